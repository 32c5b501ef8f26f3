package io.neurowatch.ops.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.neurowatch.connectors.model.IdxImages;
import io.neurowatch.connectors.model.ImageBatch;
import io.neurowatch.connectors.model.ImageDirectory;
import io.neurowatch.connectors.model.ImageTransform;
import io.neurowatch.connectors.model.Pooling;
import io.neurowatch.connectors.model.SmallCnn;
import io.neurowatch.connectors.model.TappedModel;
import io.neurowatch.core.wire.ActivationBatch;
import io.neurowatch.core.wire.ActivationBatchCodec;
import io.neurowatch.core.wire.ConceptLabels;
import io.neurowatch.ops.kafka.EmbeddedKafka;
import io.neurowatch.ops.kafka.EmbeddedKafkaBroker;
import io.neurowatch.testkit.TestData;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code neurowatch infer} end to end on a real broker: a small CNN saved to a file, IDX images with labels or a
 * directory of PNGs, and a TorchScript model; the records decode to exactly what a direct forward gives.
 */
@ExtendWith(EmbeddedKafka.class)
class InferCommandTest {
    @TempDir
    Path dir;

    /** [n, 28, 28] IDX images of random blobs, and labels 0..9. */
    private Path[] idxFiles(int n) throws Exception {
        Random rnd = new Random(5);
        ByteBuffer img = ByteBuffer.allocate(16 + n * 28 * 28).putInt(0x0803).putInt(n).putInt(28).putInt(28);
        ByteBuffer lab = ByteBuffer.allocate(8 + n).putInt(0x0801).putInt(n);
        for (int i = 0; i < n; i++) {
            int cx = rnd.nextInt(28);
            int cy = rnd.nextInt(28);
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    double d = Math.hypot(x - cx, y - cy);
                    img.put((byte) Math.max(0, 255 - (int) (d * 30) - rnd.nextInt(20)));
                }
            }
            lab.put((byte) (i % 10));
        }
        return new Path[] {Files.write(dir.resolve("images-idx3-ubyte"), img.array()),
            Files.write(dir.resolve("labels-idx1-ubyte"), lab.array())};
    }

    private static List<ActivationBatch> consume(EmbeddedKafkaBroker broker, String topic, int expected)
            throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        List<ActivationBatch> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    ActivationBatch b = ActivationBatchCodec.decode(r.value());
                    assertEquals(b.key(), new String(r.key(), StandardCharsets.UTF_8));
                    out.add(b);
                }
            }
            assertTrue(c.poll(Duration.ofMillis(300)).isEmpty(), "no more records than expected");
        }
        assertEquals(expected, out.size());
        return out;
    }

    @Test
    void publishesIdxImagesWithLabelsExactlyAsADirectForwardSeesThem(EmbeddedKafkaBroker broker) throws Exception {
        Path model = dir.resolve("digits.nwcnn");
        try (TappedModel cnn = SmallCnn.create(SmallCnn.Config.of(3, 32, 32, 10), 21)) {
            SmallCnn.save(cnn, model);
        }
        Path[] idx = idxFiles(150);
        CliRun run = CliRun.run("infer", "--model", model.toString(), "--input-scaling", "unit",
                "--layers", "conv3,logits", "--images", idx[0].toString(), "--labels", idx[1].toString(),
                "--pooling", "max", "--topic", "infer.idx", "--bootstrap-servers", broker.bootstrapServers(),
                "--model-id", "digits", "--model-version", "7", "--batch-size", "64", "--limit", "130");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains("published 130 images x 2 layers (6 records) of digits to infer.idx"),
                run.out());

        List<ActivationBatch> batches = consume(broker, "infer.idx", 6);
        Map<String, List<ActivationBatch>> byLayer = new HashMap<>();
        batches.forEach(b -> byLayer.computeIfAbsent(b.layer(), k -> new ArrayList<>()).add(b));
        assertEquals(List.of(64, 64, 2), byLayer.get("conv3").stream().map(ActivationBatch::batchSize).toList());
        IdxImages images = IdxImages.open(idx[0], 0);
        try (TappedModel direct = SmallCnn.load(model); NDManager m = direct.manager().newSubManager()) {
            for (String layer : List.of("conv3", "logits")) {
                int row = 0;
                for (ActivationBatch b : byLayer.get(layer)) {
                    assertEquals("digits", b.modelId());
                    assertEquals("7", b.modelVersion());
                    assertEquals(layer.equals("conv3") ? 64 : 10, b.features());
                    ImageBatch in = images.read(row, row + b.batchSize(), ImageTransform.to(3, 32, 32));
                    assertArrayEquals(in.sampleIds(), b.sampleIds());
                    float[][] want = direct.activations(in.toNDArray(m), List.of(layer), Pooling.MAX).get(layer);
                    int[][] labels = new int[b.batchSize()][];
                    for (int i = 0; i < b.batchSize(); i++) {
                        assertArrayEquals(want[i], b.row(i), 1e-5f, layer + " sample " + b.sampleId(i));
                        labels[i] = new int[] {(row + i) % 10};
                    }
                    assertEquals(ConceptLabels.of(labels), b.labels());
                    row += b.batchSize();
                }
                assertEquals(130, row);
            }
        }
    }

    @Test
    void publishesADirectoryOfImagesThroughATorchScriptModel(EmbeddedKafkaBroker broker) throws Exception {
        Path images = Files.createDirectory(dir.resolve("photos"));
        Random rnd = new Random(2);
        for (String name : new String[] {"cat.png", "dog.png", "emu.png"}) {
            BufferedImage img = new BufferedImage(12, 10, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 12; x++) {
                    img.setRGB(x, y, rnd.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", images.resolve(name).toFile());
        }
        Path fixtures = TestData.file("connectors/src/test/resources/torchscript");
        Path model = Files.copy(fixtures.resolve("tiny_tapped.pt"), dir.resolve("tiny.pt"));
        Files.copy(fixtures.resolve("tiny_tapped.pt.taps.json"), dir.resolve("tiny.pt.taps.json"));

        CliRun run = CliRun.run("infer", "--model", model.toString(), "--input-size", "8x8", "--images",
                images.toString(), "--layers", "block1", "--topic", "infer.dir", "--bootstrap-servers",
                broker.bootstrapServers(), "--batch-size", "2");
        assertEquals(0, run.exit(), run.err());
        List<ActivationBatch> batches = consume(broker, "infer.dir", 2);
        assertEquals("tiny/block1", batches.get(0).key());
        List<Long> ids = new ArrayList<>();
        batches.forEach(b -> {
            assertEquals(4, b.features());
            for (long id : b.sampleIds()) {
                ids.add(id);
            }
        });
        assertEquals(List.of(ImageDirectory.sampleIdOf("cat.png"), ImageDirectory.sampleIdOf("dog.png"),
                ImageDirectory.sampleIdOf("emu.png")), ids);
        ImageTransform imagenet = ImageTransform.to(3, 8, 8).normalized(ImageTransform.IMAGENET_MEAN,
                ImageTransform.IMAGENET_STD);
        try (TappedModel direct = TappedModel.loadTorchScript(model, null, null);
             NDManager m = NDManager.newBaseManager("PyTorch")) {
            ImageBatch in = ImageDirectory.open(images).read(2, 3, imagenet);
            float[] want = direct.activations(in.toNDArray(m), List.of("block1"), Pooling.MEAN).get("block1")[0];
            assertArrayEquals(want, batches.get(1).row(0), 1e-5f);
        }
    }

    @Test
    void badInputIsOneClearLine(EmbeddedKafkaBroker broker) throws Exception {
        Path model = dir.resolve("m.nwcnn");
        try (TappedModel cnn = SmallCnn.create(SmallCnn.Config.of(1, 28, 28, 10), 1)) {
            SmallCnn.save(cnn, model);
        }
        Path[] idx = idxFiles(4);
        String[] common = {"infer", "--model", model.toString(), "--images", idx[0].toString(),
            "--bootstrap-servers", broker.bootstrapServers(), "--topic", "infer.bad"};
        CliRun unknown = CliRun.run(concat(common, "--layers", "fc7", "--input-scaling", "unit"));
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("no output 'fc7'") && unknown.err().contains("conv3"), unknown.err());
        CliRun gray = CliRun.run(common);
        assertEquals(2, gray.exit());
        assertTrue(gray.err().contains("--input-scaling imagenet needs a 3-channel model"), gray.err());
        CliRun labels = CliRun.run(concat(common, "--labels", dir.toString()));
        assertEquals(2, labels.exit());
        assertTrue(labels.err().contains(dir.toString()), labels.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
