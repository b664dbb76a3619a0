package io.berth.shell.internal.framework;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An option that is a field of an {@link Options} class: for options several commands share
 * ({@code create} and {@code run}), declared once.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Option {
    /** Its names: {@code -e}, {@code --env}. */
    String[] names();

    /** One line for the help. */
    String description();

    /** The value when it is not given; {@code ""} for none. */
    String absentValue() default "";
}
