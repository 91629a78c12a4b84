#include "csc.h"

#include <malloc.h>

void csc_malloc_trim(void) { (void)malloc_trim(0); }
