package io.berth.compose.internal;

import io.berth.api.ConflictException;
import io.berth.api.InvalidArgumentException;
import io.berth.api.NotFoundException;
import io.berth.api.ProgressListener;
import io.berth.api.UnavailableException;
import io.berth.api.compose.ComposeProject;
import io.berth.api.compose.ComposeProject.Service;
import io.berth.api.compose.ComposeService.Progress;
import io.berth.api.image.ImageReference;
import io.berth.api.image.ImageStore;
import io.berth.api.registry.Registry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A project's images: which one a service runs (Berth does not build), pulling what is missing or
 * asked for, pushing, and removing them with {@code down --rmi}.
 */
final class ProjectImages {
    private final ImageStore images;
    private final Supplier<Registry> registry;
    private final Parallel parallel;

    ProjectImages(ImageStore images, Supplier<Registry> registry, Parallel parallel) {
        this.images = images;
        this.registry = registry;
        this.parallel = parallel;
    }

    /**
     * The image a service runs. Berth does not build: a service with only a {@code build} runs the image
     * compose would have built ({@code <project>-<service>}) when it is here.
     */
    String image(ComposeProject project, Service s, Progress progress) throws IOException {
        if (s.image() != null) {
            if (s.build() != null) {
                progress.warning("services." + s.name() + ".build: Berth does not build images; the service runs "
                        + s.image() + " as it is");
            }
            return s.image();
        }
        String built = project.name() + "-" + s.name();
        if (s.build() != null) {
            try {
                images.get(built);
                return built;
            } catch (NotFoundException e) {
                throw new InvalidArgumentException("service \"" + s.name() + "\" has a build section and no image: Berth "
                        + "does not build images; build it elsewhere and load it as " + built + ", or give the service an image");
            }
        }
        throw new InvalidArgumentException("service \"" + s.name() + "\" has neither an image nor a build context specified: "
                + "invalid compose project");
    }

    /**
     * Pulls the selected services' images as their pull policy (or {@code policy}) says: {@code missing}
     * (what is not here), {@code always}, {@code never}.
     *
     * @throws ComposeException naming every image that could not be pulled
     */
    void pullMissing(ComposeProject project, Set<String> selected, Map<String, String> imageOf, String policy,
                     Progress progress) throws InterruptedException {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (String svc : LocalComposeService.order(project, selected)) {
            Service s = project.services().get(svc);
            String p = s.definition().get("pull_policy") instanceof String sp ? sp : policy;
            String image = imageOf.get(svc);
            boolean pull = switch (p) {
                case "always" -> s.image() != null;
                case "never", "build" -> false;
                default -> !present(image);
            };
            if (pull) {
                wanted.putIfAbsent(image, svc);
            }
        }
        parallel.each(wanted.entrySet(), e -> pull(e.getKey(), e.getValue(), progress));
    }

    boolean present(String image) {
        try {
            images.get(image);
            return true;
        } catch (NotFoundException | IOException e) {
            return false;
        }
    }

    /** An image's id, or {@code null} when it is not here. */
    String imageId(String image) {
        try {
            return images.get(image).id().toString();
        } catch (NotFoundException | IOException e) {
            return null;
        }
    }

    private void pull(String image, String service, Progress progress) throws IOException, InterruptedException {
        Registry r = registry.get();
        if (r == null) {
            throw new UnavailableException("no registry client is available to pull " + image);
        }
        ImageReference ref = ImageReference.parse(image);
        progress.event("", service, "Pulling");
        r.pull(ref.digest() != null ? ref : ref.withDefaultTag(), ProgressListener.NONE);
        progress.event("", service, "Pulled");
    }

    /** {@code pull} or {@code push} of the services' images (all when none named), together. */
    void transfer(ComposeProject project, List<String> services, boolean ignoreFailures, Progress progress, boolean pull)
            throws InterruptedException {
        List<Service> chosen = new ArrayList<>();
        for (String svc : LocalComposeService.order(project, services.isEmpty() ? project.services().keySet()
                : new LinkedHashSet<>(services))) {
            Service s = project.services().get(svc);
            if (s.image() == null) {
                progress.event("", svc, pull ? "Skipped - No image to be pulled" : "Skipped - No image to be pushed");
            } else {
                chosen.add(s);
            }
        }
        parallel.each(chosen, s -> {
            try {
                if (pull) {
                    pull(s.image(), s.name(), progress);
                } else {
                    push(s.image(), s.name(), progress);
                }
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (!ignoreFailures) {
                    throw e;
                }
                progress.event("", s.name(), "Error");
                progress.warning(Parallel.message(e));
            }
        });
    }

    private void push(String image, String service, Progress progress) throws IOException, InterruptedException {
        Registry r = registry.get();
        if (r == null) {
            throw new UnavailableException("no registry client is available to push " + image);
        }
        progress.event("", service, "Pushing");
        r.push(ImageReference.parse(image).withDefaultTag(), ProgressListener.NONE);
        progress.event("", service, "Pushed");
    }

    /** {@code down --rmi}: {@code local} the images compose would have built, {@code all} every image the project used. */
    void removeImages(String project, ComposeProject model, String which, Set<String> used, Progress progress)
            throws IOException {
        Set<String> remove = new LinkedHashSet<>();
        if (model != null) {
            for (Service s : model.services().values()) {
                if (s.image() == null) {
                    remove.add(project + "-" + s.name());
                } else if (which.equals("all")) {
                    remove.add(s.image());
                }
            }
        }
        if (which.equals("all")) {
            remove.addAll(used);
        }
        for (String image : remove) {
            if (!present(image)) {
                continue;
            }
            progress.event("Image", image, "Removing");
            try {
                images.remove(image, false, false);
                progress.event("Image", image, "Removed");
            } catch (ConflictException e) {
                progress.warning(e.getMessage());
            }
        }
    }
}
