/*
 * routes: the one route table. Every page and endpoint is declared here with
 * the permission it needs and its flags; http/ enforces them before any
 * handler runs, and the access-matrix test walks this same table.
 */
#ifndef CASEWORK_ROUTES_H
#define CASEWORK_ROUTES_H

#include <stddef.h>

#include "http/http.h"

extern const struct route casework_routes[];
extern const size_t casework_routes_count;

#endif
