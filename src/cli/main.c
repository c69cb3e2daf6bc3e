/* kenshin entry point (placeholder until the CLI lands). */
#include <stdio.h>
int main(void) { puts("kenshin " KS_VERSION); return 0; }
