/* Start-up of the door reader on the MPS2 AN386: the vector table, .data
 * and .bss, the stack paint, main, and exit through semihosting. */
#include <string.h>

#include "m4.h"

extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);

#define STACK_PAINT 0xA5A5C3C3u

/* The core exceptions only: the door reader enables no interrupts. */
__attribute__((section(".vectors"), used)) static void *const vectors[16] = {
    __stack_top,
    (void *)Reset_Handler,
    (void *)Fault_Handler, /* NMI */
    (void *)Fault_Handler, /* HardFault */
    (void *)Fault_Handler, /* MemManage */
    (void *)Fault_Handler, /* BusFault */
    (void *)Fault_Handler, /* UsageFault */
};

void Fault_Handler(void)
{
    m4_write("door reader: fault\n");
    m4_exit(3);
}

/* Paints from the stack's limit up to just below where this function's
 * own frame is: what is painted and later found changed was used. */
__attribute__((noinline)) static void paint_stack(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t *p = __stack_limit; p < sp - 16; p++)
        *p = STACK_PAINT;
}

size_t m4_stack_used(void)
{
    const uint32_t *p = __stack_limit;
    while (p < __stack_top && *p == STACK_PAINT)
        p++;
    return (size_t)((const uint8_t *)__stack_top - (const uint8_t *)p);
}

size_t m4_stack_size(void)
{
    return (size_t)((const uint8_t *)__stack_top - (const uint8_t *)__stack_limit);
}

void Reset_Handler(void)
{
    memcpy(__data_start, __data_load,
           (size_t)((uint8_t *)__data_end - (uint8_t *)__data_start));
    memset(__bss_start, 0, (size_t)((uint8_t *)__bss_end - (uint8_t *)__bss_start));
    paint_stack();
    m4_exit(main());
}
