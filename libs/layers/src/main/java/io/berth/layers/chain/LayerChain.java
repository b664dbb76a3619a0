package io.berth.layers.chain;

import io.berth.api.InvalidArgumentException;
import io.berth.api.Names;
import io.berth.layers.tar.LayerPath;
import io.berth.layers.tar.TarHeader;
import io.berth.layers.tar.TarReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one verdict on a chain of layers, whatever storage driver unpacks it: layers are added in
 * order, from their tars' headers, onto a model of the tree the layers below make, and a layer
 * that drivers would apply differently is refused, naming the entry. overlay applies each layer
 * on its own, where the lower layers' files are not; vfs applies it onto a copy of the tree below.
 * They agree on every layer but those with
 * <ul>
 * <li>an entry below a symbolic link (of a lower layer or of its own): vfs would follow the link
 *     inside the root, overlay would make a directory in its place (no tar of a real tree has such
 *     an entry);</li>
 * <li>a hard link to a file that is not in the same layer (docker's overlay2 refuses it, its vfs
 *     does not);</li>
 * <li>a path named twice (docker refuses it).</li>
 * </ul>
 */
public final class LayerChain {
    private static final byte DIRECTORY = 'd';
    private static final byte LINK = 'l';
    private static final byte OTHER = 'f';
    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    /** The merged tree of the layers added so far: path (components joined by '/') to kind. */
    private final TreeMap<String, Byte> tree = new TreeMap<>();

    /**
     * Checks the next layer against the ones added before it, and adds it.
     *
     * @param layer how messages name the layer ({@code layer sha256:…})
     * @throws InvalidArgumentException if drivers would apply it differently, naming the entry
     */
    public void add(InputStream tar, String layer) throws IOException {
        TarReader reader = new TarReader(tar);
        List<TarHeader> headers = new ArrayList<>();
        for (TarHeader h; (h = reader.next()) != null; ) {
            headers.add(h);
        }
        add(headers, layer);
    }

    /**
     * Checks the next layer, given by its entries' headers (read by a {@link
     * io.berth.layers.tar.TarHeaderTap} while the layer was unpacked), and adds it.
     *
     * @throws InvalidArgumentException if drivers would apply it differently, naming the entry
     */
    public void add(List<TarHeader> headers, String layer) {
        Set<String> own = new HashSet<>();
        for (TarHeader h : headers) {
            // A name that leaves the layer (absolute, '..', NUL), which the applier refuses: refused
            // here already, so that an image with such a layer is never registered.
            List<String> parts = LayerPath.components(h.name, layer + " entry '" + Names.printable(h.name) + "'");
            if (parts.isEmpty()) {
                continue; // the root
            }
            String path = String.join("/", parts);
            StringBuilder parent = new StringBuilder();
            for (int i = 0; i < parts.size() - 1; i++) {
                if (i > 0) {
                    parent.append('/');
                }
                parent.append(parts.get(i));
                Byte kind = tree.get(parent.toString());
                if (kind != null && kind == LINK) {
                    throw refused(layer, h.name, "its parent '" + Names.printable(parent.toString())
                            + "' is a symbolic link, which storage drivers would not follow alike");
                }
            }
            if (!own.add(path)) {
                throw refused(layer, h.name, "duplicates of file paths not supported");
            }
            String base = parts.get(parts.size() - 1);
            String dir = String.join("/", parts.subList(0, parts.size() - 1));
            if (base.equals(OPAQUE)) {
                String prefix = dir.isEmpty() ? "" : dir + "/";
                List<String> hidden = new ArrayList<>();
                for (String p : below(prefix)) {
                    if (!own.contains(p)) {
                        hidden.add(p);
                    }
                }
                hidden.forEach(tree::remove);
                continue;
            }
            if (base.startsWith(WHITEOUT)) {
                if (!base.startsWith(WHITEOUT + WHITEOUT)) {
                    String victim = (dir.isEmpty() ? "" : dir + "/") + base.substring(WHITEOUT.length());
                    if (!own.contains(victim)) {
                        removeTree(victim);
                    }
                }
                continue;
            }
            byte kind;
            switch (h.type) {
                case TarHeader.DIRECTORY -> kind = DIRECTORY;
                case TarHeader.SYMLINK -> kind = LINK;
                case TarHeader.HARDLINK -> {
                    List<String> target = components(h.linkName);
                    String t = target == null ? null : String.join("/", target);
                    Byte targetKind = t == null ? null : tree.get(t);
                    if (t == null || !own.contains(t) || targetKind == null || targetKind == DIRECTORY) {
                        throw refused(layer, h.name, "hard link target '" + Names.printable(h.linkName)
                                + "' is not in the layer");
                    }
                    kind = targetKind;
                }
                default -> kind = OTHER;
            }
            Byte before = tree.get(path);
            if (!(kind == DIRECTORY && before != null && before == DIRECTORY)) {
                removeTree(path);
            }
            tree.put(path, kind);
        }
    }

    private Iterable<String> below(String prefix) {
        return prefix.isEmpty() ? new ArrayList<>(tree.keySet())
                : new ArrayList<>(tree.subMap(prefix, true, prefix.substring(0, prefix.length() - 1) + "0", false).keySet());
    }

    private void removeTree(String path) {
        tree.remove(path);
        tree.subMap(path + "/", true, path + "0", false).clear();
    }

    /** The components of an entry name, or {@code null} for a hostile one (the applier refuses it). */
    private static List<String> components(String name) {
        try {
            return LayerPath.components(name);
        } catch (InvalidArgumentException e) {
            return null;
        }
    }

    private static InvalidArgumentException refused(String layer, String entry, String why) {
        return new InvalidArgumentException(layer + " entry '" + Names.printable(entry) + "': " + why);
    }
}
