package io.berth.maven;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Karaf features repository ({@code features.xml}), read and checked against Karaf's schema.
 * It is Berth's one list of bundles: Karaf installs its features, and the distribution and the
 * integration tests are assembled from it.
 */
public final class FeaturesFile {
    /** Karaf's default start level for a bundle that names none. */
    public static final int DEFAULT_START_LEVEL = 80;
    private static final String NAMESPACE = "http://karaf.apache.org/xmlns/features/v1.6.0";

    /**
     * One bundle of a feature.
     *
     * @param uri where it comes from, such as {@code mvn:io.berth/berth-api/0.1.0}
     * @param startLevel its start level
     */
    public record BundleRef(String uri, int startLevel) {
    }

    /**
     * One feature.
     *
     * @param name its name
     * @param features the names of the features it includes
     * @param bundles its own bundles, in order
     * @param provided the features it takes from the container when there ({@code <feature
     *        dependency="true">}, such as Karaf's {@code scr}) and not defined here: left out of
     *        what is assembled from this file, whose own features provide the same
     */
    public record Feature(String name, List<String> features, List<BundleRef> bundles, List<String> provided) {
    }

    private final Map<String, Feature> features;

    private FeaturesFile(Map<String, Feature> features) {
        this.features = features;
    }

    /**
     * Reads and validates a features file.
     *
     * @throws IOException if it cannot be read, does not validate against the Karaf features 1.6.0
     *         schema (the message gives line and column), or names an undefined feature
     */
    public static FeaturesFile read(Path file) throws IOException {
        URL schema = FeaturesFile.class.getResource("/org/apache/karaf/features/karaf-features-1.6.0.xsd");
        if (schema == null) {
            throw new IllegalStateException("the Karaf features schema is missing from the plugin's class path");
        }
        try {
            SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(schema).newValidator()
                    .validate(new StreamSource(file.toFile()));
        } catch (org.xml.sax.SAXParseException e) {
            throw new IOException(file + ":" + e.getLineNumber() + ":" + e.getColumnNumber() + ": " + e.getMessage(), e);
        } catch (SAXException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            doc = factory.newDocumentBuilder().parse(file.toFile());
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (!NAMESPACE.equals(doc.getDocumentElement().getNamespaceURI())) {
            throw new IOException(file + ": expected the namespace " + NAMESPACE);
        }
        Map<String, Feature> features = new LinkedHashMap<>();
        for (Element f : children(doc.getDocumentElement(), "feature")) {
            List<String> included = new ArrayList<>();
            List<String> provided = new ArrayList<>();
            List<BundleRef> bundles = new ArrayList<>();
            for (Element child : children(f, null)) {
                if (child.getLocalName().equals("feature")) {
                    (child.getAttribute("dependency").equals("true") ? provided : included).add(child.getTextContent().strip());
                } else if (child.getLocalName().equals("bundle")) {
                    String level = child.getAttribute("start-level");
                    bundles.add(new BundleRef(child.getTextContent().strip(),
                            level.isEmpty() ? DEFAULT_START_LEVEL : Integer.parseInt(level)));
                }
            }
            features.put(f.getAttribute("name"), new Feature(f.getAttribute("name"), included, bundles, provided));
        }
        for (Feature f : features.values()) {
            for (String ref : f.features()) {
                if (!features.containsKey(ref)) {
                    throw new IOException(file + ": feature " + f.name() + " includes undefined feature " + ref
                            + " (a feature of the container's own, such as Karaf's scr, is included with dependency=\"true\")");
                }
            }
        }
        return new FeaturesFile(features);
    }

    /** The names of the features defined. */
    public Set<String> names() {
        return features.keySet();
    }

    /**
     * The bundles of the named features and of the features they include, each once, included
     * features' bundles first, in file order.
     *
     * @throws IllegalArgumentException if a name is not defined or features include each other
     */
    public List<BundleRef> bundles(List<String> names) {
        Map<String, BundleRef> result = new LinkedHashMap<>();
        for (String name : names) {
            collect(name, result, new LinkedHashSet<>());
        }
        return List.copyOf(result.values());
    }

    private void collect(String name, Map<String, BundleRef> into, Set<String> path) {
        Feature f = features.get(name);
        if (f == null) {
            throw new IllegalArgumentException("no feature named " + name + " (defined: " + features.keySet() + ")");
        }
        if (!path.add(name)) {
            throw new IllegalArgumentException("features include each other: " + path + " -> " + name);
        }
        for (String ref : f.features()) {
            collect(ref, into, path);
        }
        for (BundleRef b : f.bundles()) {
            into.putIfAbsent(b.uri(), b);
        }
        path.remove(name);
    }

    private static List<Element> children(Element parent, String localName) {
        List<Element> result = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element e && (localName == null || localName.equals(e.getLocalName()))) {
                result.add(e);
            }
        }
        return result;
    }
}
