package io.berth.shell.internal.framework;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a class whose {@link Option} fields are options of every command that takes it as a
 * parameter. It needs a public no-argument constructor; its fields are {@code boolean},
 * {@code Boolean} (a flag that is {@code null} when not given), {@code String}, {@code int},
 * {@code long} or {@code List<String>}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Options {
}
