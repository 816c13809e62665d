/* forkinstr.c - forksize's own fork instrumentation (being written). */
#include "forkinstr.h"
