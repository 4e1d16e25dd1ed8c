/* hello: the first user program. */
#include "tine.h"

int main(void)
{
	printf("hello from user mode\n");
	return 0;
}
