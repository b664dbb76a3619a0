package io.berth.maven;

import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Copies the bundles of features into a distribution's {@code bundle/} directory and writes the
 * launcher's {@code startup.properties} ({@code bundle/FILE.jar = LEVEL}, in order), so the
 * distribution runs exactly the bundles the features file lists.
 */
@Mojo(name = "assemble-bundles", defaultPhase = LifecyclePhase.PREPARE_PACKAGE, threadSafe = true)
public class AssembleBundlesMojo extends FeaturesMojo {
    /** The distribution's directory. */
    @Parameter(required = true)
    private File outputDirectory;

    /** The startup list to write, relative to the output directory. */
    @Parameter(defaultValue = "conf/startup.properties")
    private String startupFile;

    @Override
    public void execute() throws MojoExecutionException {
        List<ResolvedBundle> bundles = resolveBundles();
        Path out = outputDirectory.toPath();
        Path bundleDir = out.resolve("bundle");
        StringBuilder startup = new StringBuilder("# Generated from " + featuresFile.getName() + ", features "
                + features + ": the bundles the launcher installs, and their start levels.\n");
        try {
            Files.createDirectories(bundleDir);
            for (ResolvedBundle b : bundles) {
                Path target = bundleDir.resolve(b.uri().fileName());
                Files.copy(b.file(), target, StandardCopyOption.REPLACE_EXISTING);
                startup.append("bundle/").append(b.uri().fileName()).append(" = ").append(b.ref().startLevel()).append('\n');
            }
            Path startupPath = out.resolve(startupFile);
            Files.createDirectories(startupPath.getParent());
            Files.writeString(startupPath, startup, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot assemble the bundles into " + out + ": " + e.getMessage(), e);
        }
        getLog().info("assembled " + bundles.size() + " bundles into " + bundleDir);
    }
}
