package io.neurowatch.ops.http;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Where the other instances of the analyzer's group answer over HTTP, so that any instance can show every layer: the
 * owner of a layer, and every peer. An instance alone (or a server without an analyzer) has none.
 */
public interface GroupView {
    /** The base URI of the instance that owns a layer, when that is another instance; empty when it is this one. */
    Optional<URI> ownerOf(String model, String layer);

    /** The base URIs of the group's other instances. */
    List<URI> peers();

    /** No peers: every layer is answered here. */
    static GroupView alone() {
        return new GroupView() {
            @Override
            public Optional<URI> ownerOf(String model, String layer) {
                return Optional.empty();
            }

            @Override
            public List<URI> peers() {
                return List.of();
            }
        };
    }
}
