/*
 * Opaque public ids: 128 random bits as 26 lowercase base32 characters
 * (RFC 4648 alphabet, no padding). Non-enumerable by construction.
 */
#ifndef CONCIERGE_ID_H
#define CONCIERGE_ID_H

#define ID_LEN	26

/* Write a new id into out[ID_LEN + 1]. 0, or -1 if no randomness. */
int	id_new(char *out);
/* 1 if s has the form of an id (any id we issued passes), else 0. */
int	id_is_valid(const char *s);

#endif
