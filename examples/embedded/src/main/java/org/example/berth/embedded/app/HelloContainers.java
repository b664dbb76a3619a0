package org.example.berth.embedded.app;

import io.berth.api.ProgressListener;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerService;
import io.berth.api.container.CreateRequest;
import io.berth.api.container.HostConfig;
import io.berth.api.container.LogOptions;
import io.berth.api.image.ImageStore;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The application: once Berth's {@link ContainerService} and {@link ImageStore} are there, loads
 * the image archive the framework property {@code example.image} names, runs a container of it,
 * prints what it wrote (from its log), removes it, and stops the framework. Its outcome is the
 * system property {@code example.result} ({@code ok}, or what went wrong), for the launcher.
 */
@Component(immediate = true)
public class HelloContainers {
    @Activate
    public HelloContainers(@Reference ContainerService containers, @Reference ImageStore images, BundleContext context) {
        // Not on the activating thread: a container takes a while, and DS waits for nobody.
        Thread worker = new Thread(() -> work(containers, images, context), "hello-containers");
        worker.start();
    }

    private static void work(ContainerService containers, ImageStore images, BundleContext context) {
        String result;
        try {
            try (InputStream in = Files.newInputStream(Path.of(context.getProperty("example.image")))) {
                images.load(in, ProgressListener.NONE);
            }
            Container c = containers.create(CreateRequest.builder("busybox").name("hello")
                    .command("sh", "-c", "echo hello from a container of an embedded Berth; uname -s")
                    .host(HostConfig.builder().networkMode("none").build()).build());
            int status = containers.start(c.id()).get(60, TimeUnit.SECONDS);
            StringBuilder output = new StringBuilder();
            containers.logs(c.id(), LogOptions.ALL, entry -> output.append(entry.text()));
            containers.remove(c.id(), false);
            System.out.print(output);
            System.out.println("exit status " + status);
            result = status == 0 ? "ok" : "exit status " + status;
        } catch (Exception e) {
            e.printStackTrace();
            result = "failed: " + e;
        }
        System.setProperty("example.result", result);
        try {
            context.getBundle(0).stop();
        } catch (BundleException e) {
            e.printStackTrace();
        }
    }
}
