package io.berth.layers;

import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarWriter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Builds tars entry by entry for tests, hostile ones included: names are written as given. */
public final class Tars {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarWriter tar = new TarWriter(bytes);

    public Tars dir(String name) throws IOException {
        return add(name, TarHeader.DIRECTORY, 0755, "", null);
    }

    public Tars file(String name, String content) throws IOException {
        return add(name, TarHeader.REGULAR, 0644, "", content);
    }

    public Tars symlink(String name, String target) throws IOException {
        return add(name, TarHeader.SYMLINK, 0777, target, null);
    }

    public Tars hardlink(String name, String target) throws IOException {
        return add(name, TarHeader.HARDLINK, 0644, target, null);
    }

    public Tars entry(TarHeader h, String content) throws IOException {
        byte[] data = content == null ? new byte[0] : io.berth.api.Names.encode(content);
        h.size = data.length;
        tar.putEntry(h);
        if (data.length > 0) {
            tar.write(data, 0, data.length);
        }
        return this;
    }

    public Tars add(String name, byte type, int mode, String link, String content) throws IOException {
        TarHeader h = new TarHeader(name, type);
        h.mode = mode;
        h.linkName = link;
        h.mtimeSeconds = 1_700_000_000L;
        return entry(h, content);
    }

    public byte[] bytes() throws IOException {
        tar.finish();
        return bytes.toByteArray();
    }

    public InputStream stream() throws IOException {
        return new ByteArrayInputStream(bytes());
    }
}
