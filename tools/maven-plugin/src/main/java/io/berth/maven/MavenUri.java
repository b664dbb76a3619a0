package io.berth.maven;

/**
 * A Karaf/pax-url {@code mvn:} bundle location: {@code mvn:GROUP/ARTIFACT/VERSION[/TYPE[/CLASSIFIER]]}.
 */
public record MavenUri(String groupId, String artifactId, String version, String type, String classifier) {
    /**
     * Parses a location.
     *
     * @throws IllegalArgumentException if it is not an {@code mvn:} location with at least three parts
     */
    public static MavenUri parse(String uri) {
        if (!uri.startsWith("mvn:")) {
            throw new IllegalArgumentException("'" + uri + "' is not an mvn: location");
        }
        String[] parts = uri.substring(4).split("/", -1);
        if (parts.length < 3 || parts.length > 5) {
            throw new IllegalArgumentException("'" + uri + "' is not mvn:GROUP/ARTIFACT/VERSION[/TYPE[/CLASSIFIER]]");
        }
        for (String p : parts) {
            if (p.isEmpty() || p.contains("${")) {
                throw new IllegalArgumentException("'" + uri + "' has an empty or unexpanded part");
            }
        }
        return new MavenUri(parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : "jar",
                parts.length > 4 ? parts[4] : "");
    }

    /** The file name the distribution gives it: {@code ARTIFACT-VERSION[-CLASSIFIER].TYPE}. */
    public String fileName() {
        return artifactId + "-" + version + (classifier.isEmpty() ? "" : "-" + classifier) + "." + type;
    }
}
