/* The process the container runs: its credentials and capabilities, and its exec. */
#ifndef BERTH_PROCESS_H
#define BERTH_PROCESS_H

/* In the child: the spec's user, groups, capabilities and no_new_privs; fail() on error. */
void drop_privileges(void);

/* In the child: execs the spec's command, searched in the spec's PATH; fail() with 127 or 126 if it cannot. */
void exec_command(void) __attribute__((noreturn));

#endif
