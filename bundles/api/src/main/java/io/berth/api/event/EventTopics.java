package io.berth.api.event;

/**
 * The engine's events as OSGi Event Admin events, for embedders (bundle {@code berth-event-admin},
 * when an Event Admin runs): the same stream as {@link EventService}, each event posted as it
 * happens on the topic {@code berth/TYPE/ACTION}: {@code berth/container/create}, {@code
 * berth/container/start}, {@code berth/container/die}, {@code berth/container/destroy}, {@code
 * berth/image/pull}, {@code berth/image/delete}, {@code berth/network/connect}, {@code
 * berth/volume/create}… (docker's actions, see {@link Event}). An action with a detail ({@code
 * exec_start: sh}, {@code health_status: healthy}) has the part before the colon in its topic
 * ({@code berth/container/health_status}) and the rest in {@link #DETAIL}.
 * <pre>{@code
 * @Component(property = EventConstants.EVENT_TOPIC + "=berth/container/die")
 * public class Ended implements EventHandler {
 *     public void handleEvent(org.osgi.service.event.Event e) {
 *         log(e.getProperty(EventTopics.NAME) + " ended with " + e.getProperty(EventTopics.EXIT_CODE));
 *     }
 * }
 * }</pre>
 * Each event has the properties {@link #TYPE}, {@link #ACTION}, {@link #ID}, {@link
 * #ATTRIBUTES} and Event Admin's {@code timestamp} (milliseconds since the epoch), and each actor
 * attribute as a property of its own ({@code name}, {@code image}, the container's labels,
 * {@code signal} of {@code kill}…); {@code die} also has {@link #EXIT_CODE}.
 */
public final class EventTopics {
    /** The prefix of every topic. */
    public static final String PREFIX = "berth/";
    /** {@code container}, {@code image}, {@code network}, {@code volume} (String). */
    public static final String TYPE = "type";
    /** docker's action: {@code start}, {@code die}, {@code pull}… without a detail (String). */
    public static final String ACTION = "action";
    /** What follows the colon of an action that has one ({@code healthy} of {@code health_status: healthy}) (String). */
    public static final String DETAIL = "detail";
    /** The actor: a container's or network's full id, an image's reference or id, a volume's name (String). */
    public static final String ID = "id";
    /** The actor's attributes, as docker's events have them ({@code Map<String, String>}). */
    public static final String ATTRIBUTES = "attributes";
    /** The actor's name (String), one of its attributes. */
    public static final String NAME = "name";
    /** A container's exit status, of {@code die} (Integer). */
    public static final String EXIT_CODE = "exitCode";

    private EventTopics() {
    }

    /**
     * The topic of an event of {@code type} with {@code action}: {@code berth/container/start}; an
     * action's detail after a colon is left out, and characters a topic cannot hold become {@code _}.
     */
    public static String topic(String type, String action) {
        int colon = action.indexOf(':');
        String a = colon < 0 ? action : action.substring(0, colon);
        return PREFIX + token(type) + "/" + token(a.strip());
    }

    private static String token(String s) {
        return s.isEmpty() ? "_" : s.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
