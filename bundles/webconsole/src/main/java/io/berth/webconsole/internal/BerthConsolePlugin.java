package io.berth.webconsole.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.berth.api.BerthException;
import io.berth.api.NotFoundException;
import io.berth.api.container.Container;
import io.berth.api.container.ContainerListOptions;
import io.berth.api.container.ContainerService;
import io.berth.api.driver.DriverInfo;
import io.berth.api.driver.DriverRegistry;
import io.berth.api.image.Image;
import io.berth.api.image.ImageStore;
import io.berth.views.ContainerView;
import io.berth.views.ImageView;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Berth's page in the Felix Web Console (so in Karaf's WebConsole): the containers with their
 * state, image, ports and uptime, and buttons to start, stop, restart and remove them; the images
 * with their tags and size; the drivers with their state. The page renders itself from
 * {@code berth/data.json}, fetched again every two seconds and after each action, so it follows
 * what happens from anywhere (the shell, the Docker API). A plain servlet with the Web Console's
 * plugin properties: the console puts its frame around the page and its login in front of all.
 * <ul>
 * <li>{@code GET /system/console/berth}: the page</li>
 * <li>{@code GET /system/console/berth/data.json}: what it shows</li>
 * <li>{@code POST /system/console/berth/containers/ID/start|stop|restart|remove}: 204, or docker's
 * status and {@code {"message"}}</li>
 * </ul>
 */
@Component(service = Servlet.class, property = {"felix.webconsole.label=" + BerthConsolePlugin.LABEL,
        "felix.webconsole.title=Berth", "felix.webconsole.category=Berth"})
public class BerthConsolePlugin extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String LABEL = "berth";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ACTION = Pattern.compile("/containers/([0-9a-f]{1,64}|[A-Za-z0-9][A-Za-z0-9_.-]*)/"
            + "(start|stop|restart|remove)");

    private final transient ContainerService containers;
    private final transient ImageStore images;
    private final transient DriverRegistry drivers;

    @Activate
    public BerthConsolePlugin(@Reference ContainerService containers, @Reference ImageStore images,
                              @Reference DriverRegistry drivers) {
        this.containers = containers;
        this.images = images;
        this.drivers = drivers;
    }

    /** The part of the path after the plugin's label: {@code ""}, {@code /data.json}, {@code /containers/…}. */
    private static String rest(HttpServletRequest request) {
        String info = request.getPathInfo() == null ? "" : request.getPathInfo();
        return info.startsWith("/" + LABEL) ? info.substring(LABEL.length() + 1) : info;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String rest = rest(request);
        if (rest.equals("/data.json")) {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            JSON.writeValue(response.getOutputStream(), data());
            return;
        }
        if (!rest.isEmpty() && !rest.equals("/")) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        try (InputStream page = BerthConsolePlugin.class.getResourceAsStream("page.html")) {
            if (page == null) {
                throw new IOException("page.html is missing from the bundle");
            }
            response.getWriter().write(new String(page.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Matcher m = ACTION.matcher(rest(request));
        if (!m.matches()) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        String id = m.group(1);
        try {
            switch (m.group(2)) {
                case "start" -> containers.start(id);
                case "stop" -> containers.stop(id, null);
                case "restart" -> containers.restart(id, null);
                default -> containers.remove(id, true);
            }
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } catch (BerthException e) {
            fail(response, e instanceof NotFoundException ? 404 : e instanceof io.berth.api.ConflictException ? 409 : 400,
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(response, 500, m.group(2) + " of " + id + " was interrupted");
        } catch (IOException e) {
            fail(response, 500, m.group(2) + " " + id + ": " + e.getMessage());
        }
    }

    private static void fail(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        JSON.writeValue(response.getOutputStream(), Map.of("message", message));
    }

    /** The containers (docker's list entries), the images and the drivers, as the page shows them. */
    Map<String, Object> data() throws IOException {
        Instant now = Instant.now();
        List<Map<String, Object>> cs = new ArrayList<>();
        for (Container c : containers.list(ContainerListOptions.ALL)) {
            cs.add(ContainerView.summary(c, now));
        }
        List<Map<String, Object>> is = new ArrayList<>();
        for (Image i : images.list()) {
            is.add(ImageView.summary(i));
        }
        List<Map<String, Object>> ds = new ArrayList<>();
        for (DriverInfo d : drivers.drivers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", d.type().name().toLowerCase(Locale.ROOT));
            m.put("Name", d.name());
            m.put("State", d.state().name().toLowerCase(Locale.ROOT));
            m.put("Default", d.isDefault());
            m.put("Bundle", d.bundle() + " " + d.bundleVersion());
            m.put("Reason", d.reason() == null ? "" : d.reason());
            ds.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Containers", cs);
        out.put("Images", is);
        out.put("Drivers", ds);
        return out;
    }
}
