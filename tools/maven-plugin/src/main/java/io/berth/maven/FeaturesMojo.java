package io.berth.maven;

import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the goals share: reading the features file and finding each bundle's jar. */
abstract class FeaturesMojo extends AbstractMojo {
    /** The features file. */
    @Parameter(required = true)
    protected File featuresFile;

    /** The features whose bundles are meant (with the features they include). */
    @Parameter(required = true)
    protected List<String> features;

    @Parameter(defaultValue = "${session}", readonly = true)
    protected MavenSession session;

    @Parameter(defaultValue = "${project}", readonly = true)
    protected MavenProject project;

    @Component
    protected RepositorySystem repositorySystem;

    /** A bundle of the features with its jar. */
    record ResolvedBundle(FeaturesFile.BundleRef ref, MavenUri uri, Path file) {
    }

    protected List<ResolvedBundle> resolveBundles() throws MojoExecutionException {
        FeaturesFile file;
        try {
            file = FeaturesFile.read(featuresFile.toPath());
        } catch (IOException e) {
            throw new MojoExecutionException("invalid features file: " + e.getMessage(), e);
        }
        List<FeaturesFile.BundleRef> refs;
        try {
            refs = file.bundles(features);
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException(featuresFile + ": " + e.getMessage(), e);
        }
        List<ResolvedBundle> result = new ArrayList<>();
        for (FeaturesFile.BundleRef ref : refs) {
            MavenUri uri;
            try {
                uri = MavenUri.parse(ref.uri());
            } catch (IllegalArgumentException e) {
                throw new MojoExecutionException(featuresFile + ": " + e.getMessage(), e);
            }
            result.add(new ResolvedBundle(ref, uri, locate(uri)));
        }
        return result;
    }

    /**
     * Finds a bundle's jar. A module of this build must have been packaged earlier in it: its jar
     * from target/ is used, never an older copy from the local repository.
     */
    private Path locate(MavenUri uri) throws MojoExecutionException {
        for (MavenProject p : session.getProjects()) {
            if (p.getGroupId().equals(uri.groupId()) && p.getArtifactId().equals(uri.artifactId())) {
                if (!p.getVersion().equals(uri.version())) {
                    throw new MojoExecutionException(uri + " names version " + uri.version() + " but this build makes "
                            + p.getVersion());
                }
                File f = p.getArtifact().getFile();
                if (f == null || !f.isFile()) {
                    throw new MojoExecutionException("module " + p.getArtifactId() + " has not been packaged yet in "
                            + "this build; list it before " + project.getArtifactId() + " in the parent's <modules>");
                }
                return f.toPath();
            }
        }
        try {
            ArtifactRequest request = new ArtifactRequest(
                    new DefaultArtifact(uri.groupId(), uri.artifactId(), uri.classifier(), uri.type(), uri.version()),
                    project.getRemoteProjectRepositories(), null);
            return repositorySystem.resolveArtifact(session.getRepositorySession(), request).getArtifact().getFile().toPath();
        } catch (ArtifactResolutionException e) {
            throw new MojoExecutionException("cannot resolve " + uri + ": " + e.getMessage(), e);
        }
    }
}
