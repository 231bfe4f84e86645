/*
** check_clients.c: connections counted in all and per client
** (searchd/http/clients.c).
*/
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <check.h>

#include "../../searchd/http/clients.h"

/* The key of an IPv4 address a.b.c.d. */
static struct clients_key key4(unsigned a, unsigned b, unsigned c,
                               unsigned d){
  struct sockaddr_in sa;
  struct clients_key k;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(a<<24 | b<<16 | c<<8 | d);
  ck_assert_int_eq(clients_key((struct sockaddr*)&sa, sizeof(sa), &k), 0);
  return k;
}

static struct clients_key key6(const char *z){
  struct sockaddr_in6 sa;
  struct clients_key k;
  memset(&sa, 0, sizeof(sa));
  sa.sin6_family = AF_INET6;
  ck_assert_int_eq(inet_pton(AF_INET6, z, &sa.sin6_addr), 1);
  ck_assert_int_eq(clients_key((struct sockaddr*)&sa, sizeof(sa), &k), 0);
  return k;
}

START_TEST(test_caps)
{
  struct clients *p = 0;
  struct clients_key a = key4(10, 0, 0, 1), b = key4(10, 0, 0, 2);
  ck_assert_int_eq(clients_new(5, 2, &p), 0);
  ck_assert_int_eq(clients_admit(p, &a), CLIENTS_OK);
  ck_assert_int_eq(clients_admit(p, &a), CLIENTS_OK);
  ck_assert_int_eq(clients_admit(p, &a), CLIENTS_CLIENT_FULL);
  ck_assert_int_eq(clients_admit(p, &b), CLIENTS_OK);
  ck_assert_int_eq(clients_admit(p, 0), CLIENTS_OK);   /* no address */
  ck_assert_int_eq(clients_admit(p, &b), CLIENTS_OK);
  ck_assert_int_eq(clients_open(p), 5);
  ck_assert_int_eq(clients_admit(p, 0), CLIENTS_FULL);
  clients_release(p, &a);
  ck_assert_int_eq(clients_admit(p, &b), CLIENTS_CLIENT_FULL);
  ck_assert_int_eq(clients_admit(p, &a), CLIENTS_OK);
  clients_free(p);
}
END_TEST

START_TEST(test_no_client_cap)
{
  struct clients *p = 0;
  struct clients_key a = key4(127, 0, 0, 1);
  int i;
  ck_assert_int_eq(clients_new(100, 0, &p), 0);
  for(i=0; i<100; i++) ck_assert_int_eq(clients_admit(p, &a), CLIENTS_OK);
  ck_assert_int_eq(clients_admit(p, &a), CLIENTS_FULL);
  for(i=0; i<100; i++) clients_release(p, &a);
  ck_assert_int_eq(clients_open(p), 0);
  clients_free(p);
}
END_TEST

START_TEST(test_keys)
{
  struct clients_key a = key6("2001:db8:1:2:aaaa::1");
  struct clients_key b = key6("2001:db8:1:2:bbbb::2");
  struct clients_key c = key6("2001:db8:1:3::1");
  struct clients_key m = key6("::ffff:10.0.0.1");
  struct clients_key v4 = key4(10, 0, 0, 1);
  struct sockaddr sa;
  struct clients_key k;
  ck_assert(memcmp(&a, &b, sizeof(a))==0);      /* one /64 */
  ck_assert(memcmp(&a, &c, sizeof(a))!=0);
  ck_assert(memcmp(&m, &v4, sizeof(m))==0);     /* mapped = IPv4 */
  memset(&sa, 0, sizeof(sa));
  sa.sa_family = AF_UNIX;
  ck_assert_int_eq(clients_key(&sa, sizeof(sa), &k), -1);
}
END_TEST

/*
** Many clients coming and going in a shuffled order through a table at
** about half full: every count stays exact (a removal that broke a probe
** run would lose a client's count or let it past its cap). The addresses
** are random: consecutive ones hash to distinct slots and would never
** share a probe run.
*/
START_TEST(test_churn)
{
  enum { N = 1000 };
  struct clients *p = 0;
  static int aOpen[N];
  static struct clients_key aKey[N];
  int i, round;
  unsigned r = 12345;
  memset(aOpen, 0, sizeof(aOpen));
  for(i=0; i<N; i++){
    r = r*1103515245u + 12345u;
    aKey[i] = key4(10 + i%200, (r>>24) & 0xff, (r>>16) & 0xff, (r>>8) & 0xff);
  }
  ck_assert_int_eq(clients_new(N + 1, 1, &p), 0);
  for(round=0; round<200000; round++){
    int c, want;
    r = r*1103515245u + 12345u;
    c = (int)((r>>8) % N);
    if( (r>>20) & 1 ){
      want = aOpen[c]==0 ? CLIENTS_OK : CLIENTS_CLIENT_FULL;
      ck_assert_int_eq(clients_admit(p, &aKey[c]), want);
      aOpen[c] = 1;
    }else if( aOpen[c] ){
      clients_release(p, &aKey[c]);
      aOpen[c] = 0;
    }
  }
  for(i=0; i<N; i++){
    if( !aOpen[i] ) ck_assert_int_eq(clients_admit(p, &aKey[i]), CLIENTS_OK);
    ck_assert_int_eq(clients_admit(p, &aKey[i]), CLIENTS_CLIENT_FULL);
  }
  ck_assert_int_eq(clients_open(p), N);
  clients_free(p);
}
END_TEST

Suite *clients_suite(void){
  Suite *s = suite_create("clients");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, test_caps);
  tcase_add_test(tc, test_no_client_cap);
  tcase_add_test(tc, test_keys);
  tcase_add_test(tc, test_churn);
  suite_add_tcase(s, tc);
  return s;
}
