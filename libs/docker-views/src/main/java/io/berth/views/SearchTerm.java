package io.berth.views;

/**
 * {@code docker search}'s term as docker reads it: {@code HOST[:PORT]/TERM} asks that registry
 * (a first part with a dot or a colon, or {@code localhost}), anything else the default one.
 *
 * @param registry the registry's host, or {@code null} for the default
 * @param term what to look for
 */
public record SearchTerm(String registry, String term) {
    public static SearchTerm parse(String text) {
        int slash = text.indexOf('/');
        if (slash > 0) {
            String first = text.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                return new SearchTerm(first, text.substring(slash + 1));
            }
        }
        return new SearchTerm(null, text);
    }
}
