/*
 * m4.h: the little the door reader needs from its board (MPS2 AN386,
 * Cortex-M4): text out and lines in through semihosting, the exit code to
 * the host, and the stack's high-water mark.
 *
 * The start-up (startup.c) copies .data, zeroes .bss, paints the stack
 * with a pattern and calls main; main's return value is the exit code.
 */
#ifndef TESS_M4_H
#define TESS_M4_H

#include <stddef.h>
#include <stdint.h>

/* Writes a NUL-terminated string to the host's console. */
void m4_write(const char *s);

/* Writes an unsigned number in decimal. */
void m4_write_u(uint32_t v);

/* Ends the program with this exit code (it reaches the host's shell). */
_Noreturn void m4_exit(int code);

/* Reads one line of input (the file named by the semihosting command
 * line's second word, else the console), without its end of line,
 * NUL-terminated. Returns its length, or -1 at the end of input. A line
 * longer than cap - 1 is read whole but kept only in part: *cut is set. */
long m4_read_line(char *buf, size_t cap, int *cut);

/* Bytes of stack ever used since start-up (the painted words that are no
 * longer the pattern), and the stack's size. */
size_t m4_stack_used(void);
size_t m4_stack_size(void);

#endif
