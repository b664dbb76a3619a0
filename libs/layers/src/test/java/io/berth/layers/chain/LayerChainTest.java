package io.berth.layers.chain;

import io.berth.api.InvalidArgumentException;
import io.berth.layers.Tars;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The one verdict on a chain of layers, from their headers. */
class LayerChainTest {
    private static void accept(Tars... layers) throws IOException {
        LayerChain chain = new LayerChain();
        for (int i = 0; i < layers.length; i++) {
            chain.add(layers[i].stream(), "layer " + i);
        }
    }

    private static String refusal(Tars... layers) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> accept(layers));
        assertThat(t).isInstanceOf(InvalidArgumentException.class);
        return t.getMessage();
    }

    @Test
    void anEntryBelowASymbolicLinkIsRefusedWhereverTheLinkComesFrom() throws IOException {
        assertThat(refusal(new Tars().dir("usr/").dir("usr/lib/").symlink("lib", "usr/lib"), new Tars().file("lib/x", "")))
                .isEqualTo("layer 1 entry 'lib/x': its parent 'lib' is a symbolic link, which storage drivers would not"
                        + " follow alike");
        assertThat(refusal(new Tars().symlink("abs", "/etc").file("abs/planted", ""))).startsWith("layer 0 entry 'abs/planted'");
        assertThat(refusal(new Tars().symlink("up", "../../.."), new Tars().dir("up/x/")))
                .isEqualTo("layer 1 entry 'up/x/': its parent 'up' is a symbolic link, which storage drivers would not"
                        + " follow alike");
        assertThat(refusal(new Tars().symlink("l\udcff", "d"), new Tars().file(".wh.x", "").file("l\udcff/.wh.y", "")))
                .startsWith("layer 1 entry 'l\\xff/.wh.y': its parent 'l\\xff'");
    }

    @Test
    void aLinkReplacedOrWhitedOutNoLongerCounts() throws IOException {
        assertThatCode(() -> accept(new Tars().symlink("lib", "usr/lib"), new Tars().dir("lib/").file("lib/x", "")))
                .doesNotThrowAnyException();
        assertThatCode(() -> accept(new Tars().symlink("lib", "usr/lib"), new Tars().file(".wh.lib", ""),
                new Tars().file("lib/x", ""))).doesNotThrowAnyException();
        assertThatCode(() -> accept(new Tars().dir("d/").symlink("d/l", "x"), new Tars().dir("d/").file("d/.wh..wh..opq", "")
                .dir("d/l/").file("d/l/y", ""))).doesNotThrowAnyException();
        // An opaque directory keeps what its own layer put there, even before the marker.
        assertThat(refusal(new Tars().dir("d/"), new Tars().dir("d/").symlink("d/l", "x").file("d/.wh..wh..opq", "")
                .file("d/l/y", ""))).startsWith("layer 1 entry 'd/l/y'");
    }

    @Test
    void aNameLeavingTheLayerIsRefusedBeforeAnythingIsApplied() throws IOException {
        assertThat(refusal(new Tars().file("ok", "x").file("../evil", "x")))
                .isEqualTo("layer 0 entry '../evil' climbs out of the layer with '..'");
        assertThat(refusal(new Tars().file("/abs", "x"))).isEqualTo("layer 0 entry '/abs' is an absolute path");
        assertThat(refusal(new Tars().hardlink("h", "../../etc/passwd")))
                .isEqualTo("layer 0 entry 'h': hard link target '../../etc/passwd' is not in the layer");
    }

    @Test
    void aHardLinkMustLinkAFileOfItsOwnLayer() throws IOException {
        assertThatCode(() -> accept(new Tars().file("a", "x").hardlink("b", "a"))).doesNotThrowAnyException();
        assertThat(refusal(new Tars().file("a", "x"), new Tars().hardlink("b", "a")))
                .isEqualTo("layer 1 entry 'b': hard link target 'a' is not in the layer");
        assertThat(refusal(new Tars().dir("d/").hardlink("b", "d"))).endsWith("hard link target 'd' is not in the layer");
        assertThat(refusal(new Tars().hardlink("b", "missing"))).endsWith("hard link target 'missing' is not in the layer");
    }

    @Test
    void aPathTwiceInALayerIsRefused() throws IOException {
        assertThat(refusal(new Tars().file("f", "1").file("./f", "2")))
                .isEqualTo("layer 0 entry './f': duplicates of file paths not supported");
        assertThatCode(() -> accept(new Tars().file("f", "1"), new Tars().file("f", "2"))).doesNotThrowAnyException();
    }

    @Test
    void busyboxsLayersAreAccepted() throws IOException {
        io.berth.testing.Requirements.require(io.berth.testing.BusyboxImage.available(),
                "busybox is not installed (apt-get install busybox-static)");
        LayerChain chain = new LayerChain();
        List<byte[]> layers = io.berth.testing.BusyboxImage.build().layers();
        for (byte[] layer : layers) {
            assertThatCode(() -> chain.add(new java.io.ByteArrayInputStream(layer), "busybox")).doesNotThrowAnyException();
        }
    }
}
