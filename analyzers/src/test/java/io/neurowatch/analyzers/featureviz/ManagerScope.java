package io.neurowatch.analyzers.featureviz;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One DJL manager per test class, closed after its last test: {@code @RegisterExtension static final ManagerScope
 * ND = new ManagerScope();} then {@code ND.manager()}; tests open sub-managers of it.
 */
final class ManagerScope implements BeforeAllCallback, AfterAllCallback {
    private NDManager manager;

    NDManager manager() {
        return manager;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        manager = NDManager.newBaseManager();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        manager.close();
    }
}
