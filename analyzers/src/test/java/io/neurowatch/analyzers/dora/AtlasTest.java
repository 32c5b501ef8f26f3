package io.neurowatch.analyzers.dora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class AtlasTest {
    @TempDir
    Path tmp;

    private static DoraResult closedFormResult() {
        return new DoraAnalyzer(DoraParams.defaults().withNNeighbors(3).withContamination(Contamination.of(0.2)))
                .analyze(MeanEncodings.of(EaDistanceTest.closedForm()));
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void svgIsWellFormedAndLabelsTheOutliers() throws Exception {
        Atlas atlas = Atlas.of(closedFormResult(), "layer <x> & \"y\"");
        assertEquals(6, atlas.size());
        assertEquals(1, atlas.outlierCount());
        Document doc = parse(AtlasSvg.render(atlas));
        assertEquals("svg", doc.getDocumentElement().getLocalName());
        assertEquals(6, doc.getElementsByTagName("circle").getLength());
        NodeList texts = doc.getElementsByTagName("text");
        boolean labelled = false;
        for (int i = 0; i < texts.getLength(); i++) {
            labelled |= texts.item(i).getTextContent().equals("3");
        }
        assertTrue(labelled, "outlier 3 is labelled");
    }

    @Test
    void thumbnailsAreEmbeddedAndDrawn() throws Exception {
        BufferedImage thumb = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        thumb.setRGB(1, 1, 0xff0000);
        Path png = tmp.resolve("3_0+.png");
        ImageIO.write(thumb, "png", png.toFile());
        Atlas atlas = Atlas.of(closedFormResult(), "t").withThumbnails(Map.of(3, png, 99, png));
        String svg = AtlasSvg.render(atlas);
        parse(svg);
        assertEquals(1, parse(svg).getElementsByTagName("image").getLength());
        assertTrue(svg.contains("data:image/png;base64,"));
        Path out = tmp.resolve("a.png");
        AtlasPng.write(atlas, out);
        BufferedImage back = ImageIO.read(out.toFile());
        assertNotNull(back);
        assertEquals(AtlasLayout.SIZE, back.getWidth());

        Path notPng = tmp.resolve("x.png");
        Files.writeString(notPng, "hello");
        IOException e = assertThrows(IOException.class,
                () -> AtlasSvg.render(atlas.withThumbnails(Map.of(0, notPng))));
        assertTrue(e.getMessage().contains(notPng.toString()), e.getMessage());
    }

    @Test
    void singlePointAndCoincidentPointsRender() throws Exception {
        Atlas one = new Atlas("one", new int[] {4}, new double[] {1}, new double[] {1}, new boolean[] {true},
                Map.of());
        parse(AtlasSvg.render(one));
        assertNotNull(AtlasPng.render(one));
        assertThrows(IllegalArgumentException.class, () -> new Atlas("bad", new int[] {1}, new double[] {Double.NaN},
                new double[] {0}, new boolean[1], Map.of()));
    }
}
