/* Arm semihosting (the BKPT 0xAB interface of M-profile cores), which
 * QEMU's -semihosting serves: console out, standard input, exit code. */
#include "m4.h"

enum {
    SYS_OPEN = 0x01,
    SYS_WRITE0 = 0x04,
    SYS_READ = 0x06,
    SYS_GET_CMDLINE = 0x15,
    SYS_EXIT_EXTENDED = 0x20
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int32_t semihost(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
    return (int32_t)r0;
}

void m4_write(const char *s)
{
    semihost(SYS_WRITE0, s);
}

void m4_write_u(uint32_t v)
{
    char buf[11];
    char *p = buf + sizeof buf - 1;
    *p = '\0';
    do {
        *--p = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    m4_write(p);
}

_Noreturn void m4_exit(int code)
{
    /* SYS_EXIT_EXTENDED: the reason and the code, so that a code other
     * than 0 and 1 reaches the host too. */
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    for (;;)
        semihost(SYS_EXIT_EXTENDED, block);
}

static int32_t stdin_handle = -1;

/* The input: the file named by the command line's second word (QEMU:
 * -semihosting-config enable=on,arg=PROG,arg=FILE), else the console
 * (":tt"). QEMU loses the first bytes of a console input that arrives
 * before the program reads it, so tests give a file. */
static int32_t open_input(void)
{
    char cmdline[256];   /* on the stack: needed only once, before any verification */
    uint32_t args[2] = {(uint32_t)(uintptr_t)cmdline, sizeof cmdline};
    const char *name = ":tt";
    if (semihost(SYS_GET_CMDLINE, args) == 0) {
        char *p = cmdline;
        while (*p && *p != ' ')
            p++;
        while (*p == ' ')
            p++;
        if (*p)
            name = p;
    }
    size_t len = 0;
    while (name[len])
        len++;
    /* mode 0 is "r" */
    const uint32_t open_args[3] = {(uint32_t)(uintptr_t)name, 0, (uint32_t)len};
    return semihost(SYS_OPEN, open_args);
}

/* One byte of input; -1 at its end. */
static int read_byte(void)
{
    if (stdin_handle < 0) {
        stdin_handle = open_input();
        if (stdin_handle < 0)
            return -1;
    }
    uint8_t ch;
    const uint32_t read_args[3] = {(uint32_t)stdin_handle, (uint32_t)(uintptr_t)&ch, 1};
    /* SYS_READ returns how many bytes were NOT read. */
    return semihost(SYS_READ, read_args) == 0 ? ch : -1;
}

long m4_read_line(char *buf, size_t cap, int *cut)
{
    size_t n = 0;
    long total = 0;
    int ch = read_byte();
    *cut = 0;
    if (ch < 0)
        return -1;
    while (ch >= 0 && ch != '\n') {
        if (n + 1 < cap)
            buf[n++] = (char)ch;
        else
            *cut = 1;
        total++;
        ch = read_byte();
    }
    buf[n] = '\0';
    return total;
}
