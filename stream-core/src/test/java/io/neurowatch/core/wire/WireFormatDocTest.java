package io.neurowatch.core.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.neurowatch.testkit.TestData;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/wire-format.md stays true: its hex dumps are what the codecs write, its Python parses, it names every reason. */
class WireFormatDocTest {

    private static final Pattern FENCE = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern HEX_PAIR = Pattern.compile("[0-9a-f]{2}");

    private static String doc() throws Exception {
        return Files.readString(TestData.file("docs/wire-format.md"));
    }

    /** The bytes of the fenced block after {@code <!-- worked-example: name -->}: leading hex pairs of each line. */
    private static byte[] workedExample(String name) throws Exception {
        String doc = doc();
        int marker = doc.indexOf("<!-- worked-example: " + name + " -->");
        assertTrue(marker >= 0, "no worked example " + name);
        Matcher m = FENCE.matcher(doc);
        assertTrue(m.find(marker), "no code block after the marker");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String line : m.group(2).split("\n")) {
            for (String token : line.trim().split("\\s+")) {
                if (!HEX_PAIR.matcher(token).matches()) {
                    break;
                }
                bytes.write(HexFormat.fromHexDigits(token));
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void workedBatchExampleIsWhatTheCodecWrites() throws Exception {
        ActivationBatch batch = ActivationBatch.of("m1", "v", "fc", new long[] {7, 8}, 2,
                new float[] {1f, -2f, 0.5f, 0f}).withLabels(ConceptLabels.of(new int[] {3}, new int[0]));
        byte[] documented = workedExample("batch");
        assertEquals(93, documented.length);
        assertArrayEquals(ActivationBatchCodec.encode(batch), documented);
        assertEquals(batch, ActivationBatchCodec.decode(documented, documented.length));

        ByteBuffer.wrap(documented).order(ByteOrder.LITTLE_ENDIAN).putFloat(65, Float.NaN);
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> ActivationBatchCodec.decode(documented, documented.length));
        assertEquals("NON_FINITE at offset 65: non-finite activation NaN at row 1, column 0", e.getMessage());
        assertTrue(doc().contains(e.getMessage()), "the doc quotes this message");
    }

    @Test
    void workedAnnotationExampleIsWhatTheCodecWrites() throws Exception {
        byte[] documented = workedExample("annotation");
        assertEquals(42, documented.length);
        assertArrayEquals(SampleAnnotationCodec.encode(SampleAnnotation.of("m1", 7, 3, 9)), documented);
    }

    @Test
    void everyReasonIsDocumented() throws Exception {
        String doc = doc();
        for (WireFormatException.Reason reason : WireFormatException.Reason.values()) {
            assertTrue(doc.contains("`" + reason + "`"), reason + " is not in docs/wire-format.md");
        }
    }

    @Test
    void pythonBlocksAreValidPython(@TempDir Path dir) throws Exception {
        PythonRunner.assumeNumpy();
        Matcher m = FENCE.matcher(doc());
        List<String> blocks = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).equals("python")) {
                blocks.add(m.group(2));
            }
        }
        assertFalse(blocks.isEmpty());
        for (int i = 0; i < blocks.size(); i++) {
            Path file = dir.resolve("block" + i + ".py");
            Files.writeString(file, blocks.get(i));
            PythonRunner.runOk(List.of("-c", "import ast, sys; ast.parse(open(sys.argv[1]).read(), sys.argv[1])",
                    file.toString()));
        }
        // The producer example uses what the example module defines.
        String producer = blocks.get(0);
        for (String name : List.of("encode_batch", "batch_key", "encode_annotation", "annotation_key", "Producer")) {
            assertTrue(producer.contains(name), name);
        }
    }
}
