package io.berth.api.image;

import io.berth.api.InvalidArgumentException;
import io.berth.api.content.Digest;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An image reference, normalized as docker does: {@code [registry/][namespace/]name[:tag][@digest]}.
 *
 * <p>With no registry, the registry is {@code docker.io}; on {@code docker.io} a name of one
 * component is in the {@code library/} namespace. So {@code busybox} is
 * {@code docker.io/library/busybox}, {@code pkeugine/ubuntu:14.04} is
 * {@code docker.io/pkeugine/ubuntu:14.04} and {@code localhost:5000/app} stays as it is. The first
 * component is a registry when it contains a dot or a colon, or is {@code localhost}.
 *
 * @param domain the registry host, with its port if any ({@code docker.io}, {@code localhost:5000})
 * @param path the repository path within the registry ({@code library/busybox})
 * @param tag the tag, or {@code null}
 * @param digest the digest, or {@code null}
 */
public record ImageReference(String domain, String path, String tag, Digest digest) {
    /** The registry assumed when none is named. */
    public static final String DEFAULT_DOMAIN = "docker.io";
    /** The namespace of official images on {@link #DEFAULT_DOMAIN}. */
    public static final String OFFICIAL_NAMESPACE = "library";
    /** The tag assumed when neither tag nor digest is given. */
    public static final String DEFAULT_TAG = "latest";

    private static final int NAME_MAX = 255;
    private static final String ALNUM = "[a-z0-9]+";
    private static final String SEPARATOR = "(?:[._]|__|[-]+)";
    private static final Pattern PATH_COMPONENT = Pattern.compile(ALNUM + "(?:" + SEPARATOR + ALNUM + ")*");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern IMAGE_ID = Pattern.compile("[a-f0-9]{64}");

    public ImageReference {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(path, "path");
    }

    /**
     * Parses and normalizes a reference.
     *
     * @throws InvalidArgumentException if the text is not a valid reference; the message is
     *         docker's ({@code invalid reference format...})
     */
    public static ImageReference parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new InvalidArgumentException("invalid reference format: the reference is empty");
        }
        if (IMAGE_ID.matcher(text).matches()) {
            throw new InvalidArgumentException("invalid repository name (" + text
                    + "), cannot specify 64-byte hexadecimal strings");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (InvalidArgumentException e) {
                throw new InvalidArgumentException("invalid reference format: " + text + ": " + e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new InvalidArgumentException("invalid reference format: invalid tag '" + tag + "' in " + text);
            }
        }
        String domain;
        String path;
        int slash = rest.indexOf('/');
        String first = slash < 0 ? rest : rest.substring(0, slash);
        if (slash < 0 || (!first.contains(".") && !first.contains(":") && !first.equals("localhost")
                && first.toLowerCase(java.util.Locale.ROOT).equals(first))) {
            domain = DEFAULT_DOMAIN;
            path = rest;
        } else {
            domain = first;
            path = rest.substring(slash + 1);
            if (!DOMAIN.matcher(domain).matches()) {
                throw new InvalidArgumentException("invalid reference format: invalid registry '" + domain + "' in " + text);
            }
        }
        if (domain.equals("index.docker.io")) {
            domain = DEFAULT_DOMAIN;
        }
        if (domain.equals(DEFAULT_DOMAIN) && !path.contains("/")) {
            path = OFFICIAL_NAMESPACE + "/" + path;
        }
        if (!path.toLowerCase(java.util.Locale.ROOT).equals(path)) {
            throw new InvalidArgumentException("invalid reference format: repository name (" + path + ") must be lowercase");
        }
        for (String component : path.split("/", -1)) {
            if (!PATH_COMPONENT.matcher(component).matches()) {
                throw new InvalidArgumentException("invalid reference format: " + text);
            }
        }
        if (domain.length() + 1 + path.length() > NAME_MAX) {
            throw new InvalidArgumentException("invalid reference format: repository name must not be more than "
                    + NAME_MAX + " characters");
        }
        return new ImageReference(domain, path, tag, digest);
    }

    /** This reference with tag {@code latest} if it has neither tag nor digest. */
    public ImageReference withDefaultTag() {
        return tag == null && digest == null ? new ImageReference(domain, path, DEFAULT_TAG, null) : this;
    }

    /** This reference with another tag and no digest. */
    public ImageReference withTag(String newTag) {
        return new ImageReference(domain, path, newTag, null);
    }

    /** This reference with a digest and no tag. */
    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(domain, path, null, newDigest);
    }

    /** The full repository name: {@code docker.io/library/busybox}. */
    public String name() {
        return domain + "/" + path;
    }

    /**
     * The repository name as docker shows it: without {@code docker.io/} and {@code library/}
     * ({@code busybox}, {@code pkeugine/ubuntu}, {@code localhost:5000/app}).
     */
    public String familiarName() {
        if (!domain.equals(DEFAULT_DOMAIN)) {
            return name();
        }
        return path.startsWith(OFFICIAL_NAMESPACE + "/") && path.indexOf('/', OFFICIAL_NAMESPACE.length() + 1) < 0
                ? path.substring(OFFICIAL_NAMESPACE.length() + 1) : path;
    }

    /** The familiar form with tag and digest: {@code busybox:latest}. */
    public String familiar() {
        return familiarName() + suffix();
    }

    /** The full form with tag and digest: {@code docker.io/library/busybox:latest}. */
    @Override
    public String toString() {
        return name() + suffix();
    }

    private String suffix() {
        return (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
