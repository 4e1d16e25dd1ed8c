/* hello: the first user program. */
#include <stdio.h>

int main(void)
{
	printf("hello from user mode\n");
	return 0;
}
