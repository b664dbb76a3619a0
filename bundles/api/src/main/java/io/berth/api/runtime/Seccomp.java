package io.berth.api.runtime;

import java.util.List;
import java.util.Objects;

/**
 * A seccomp filter as a runtime installs it, resolved for one container: docker's profile with its
 * entries for other architectures, capabilities and kernels left out. Actions, architectures and
 * comparison operators carry libseccomp's names, as OCI's {@code linux.seccomp} does
 * ({@code SCMP_ACT_ERRNO}, {@code SCMP_ARCH_X86_64}, {@code SCMP_CMP_MASKED_EQ}).
 *
 * @param defaultAction what a system call no rule names gets
 * @param defaultErrno the errno of a default {@code SCMP_ACT_ERRNO} (or {@code SCMP_ACT_TRACE}'s value)
 * @param architectures the architectures whose calls the filter takes, the native one first
 * @param rules the rules, in the profile's order
 * @since 2.3
 */
public record Seccomp(String defaultAction, int defaultErrno, List<String> architectures, List<Rule> rules) {
    public Seccomp {
        Objects.requireNonNull(defaultAction, "defaultAction");
        architectures = List.copyOf(architectures);
        rules = List.copyOf(rules);
    }

    /**
     * System calls and what they get: the action when every condition on their arguments holds.
     *
     * @param errno the errno of {@code SCMP_ACT_ERRNO} (or {@code SCMP_ACT_TRACE}'s value); -1 when the profile
     *        gives none ({@code EPERM}, as OCI's {@code errnoRet} and runc have it)
     */
    public record Rule(List<String> names, String action, int errno, List<Condition> conditions) {
        public Rule {
            names = List.copyOf(names);
            Objects.requireNonNull(action, "action");
            conditions = List.copyOf(conditions);
        }
    }

    /**
     * A condition on an argument: {@code arg[index] op value}, or for {@code SCMP_CMP_MASKED_EQ}
     * {@code (arg[index] & value) == valueTwo}.
     */
    public record Condition(int index, long value, long valueTwo, String op) {
        public Condition {
            Objects.requireNonNull(op, "op");
        }
    }
}
