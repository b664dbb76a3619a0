package io.berth.shell.internal.framework;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a {@link Commands} component as a Berth command. Its description is the
 * method's Gogo {@code @Descriptor}; its options are the parameters carrying Gogo's
 * {@code @Parameter}; the other parameters (after an optional leading {@link CommandContext}) take
 * the positional arguments in order: a {@code String} takes one (or {@code null} when absent), a
 * {@code List<String>} takes all that remain.
 *
 * <p>Arguments are parsed as docker's CLI parses them: {@code -aq} combines short flags,
 * {@code -f value}, {@code -fvalue}, {@code --format value} and {@code --format=value} all work,
 * an option named twice takes the last value unless it is a list, {@code --} ends the options.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Command {
    /** The command's name: {@code images}. It is registered in Gogo as {@code berth:images}. */
    String name();

    /**
     * Other names, docker's management-command forms among them: {@code "image ls"} makes the
     * command reachable as {@code berth image ls}.
     */
    String[] aliases() default {};

    /** What follows the name in the usage line: {@code [OPTIONS] IMAGE [IMAGE...]}. */
    String usage() default "[OPTIONS]";

    /** The least number of positional arguments. */
    int minArgs() default 0;

    /** The most positional arguments, or {@code -1} for no limit. */
    int maxArgs() default -1;

    /**
     * Whether options may follow positional arguments. {@code false} for commands such as
     * {@code run IMAGE COMMAND ARGS...}, whose trailing arguments belong to another program.
     */
    boolean interspersed() default true;
}
