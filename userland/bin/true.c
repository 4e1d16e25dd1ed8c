/* true: exit 0; also the exec target of the vfork tests and forkbench. */
int main(void)
{
	return 0;
}
