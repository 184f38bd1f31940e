#!/usr/bin/env bash
# e2e-auth-matrix: the authorization matrix of issue 3. Every role tries
# every route of the accounts and records areas that exists now; each row
# of the table below is one attempt with the status it must get. Rows
# marked "d" are denials: each must add exactly one audit row with outcome
# "denied". Rows expecting 401 must write nothing at all.
#
# Roles: anon (no token), pat (patient1), opat (patient2), prct (provider1,
# put on patient1's care team for the run), prnc (provider2, not on it),
# prun (a provider signed up now, unverified), staff, admin, aud (auditor).
#
# Groups: "core" rows always run. "sessions", "password" and "mfa" rows run
# only when their routes are built (probed at start: the router's own 404,
# or 501, means absent); otherwise they are reported as skipped.
#
# Rows run in order and some depend on earlier ones (staff add provider2 to
# patient1's care team, then admin gets 409; staff remove it, then admin
# gets 404). Placeholders: {P1} {P2} {PR1} {PR2} {UNV} {UNV2} {VICTIM}
# {OTHER_SESSION} ids; {ME} {MYNAME} {MYEMAIL} {MYPW} the acting role's;
# {NEWEMAIL} a fresh address; {PW} a good password; {P1_CLINIC} {P1_PHONE}
# {PR1_TELE} current values as JSON (writes put back what is there). The
# logout rows use a fresh session of the role. State is restored at exit.
#
# Areas built later add their rows in tests/e2e/matrix.d/NN-<area>.sh,
# sourced in name order after the actors and the care team are set up:
# each appends lines to MATRIX (same columns), may add placeholders to
# SUB, sets PRESENT[<group>]=1 for its groups, and registers its own
# clean-up with on_exit.
. "${srcdir:-.}/tests/e2e/lib.sh"

# group  role  method path                                          expect  audit body
MATRIX=$(cat <<'TABLE'
# auth: sign-up, login, /me, logout (public routes ignore the token)
core     anon  POST   /api/v1/auth/signup                           201     -  {"email":"{NEWEMAIL}","password":"{PW}","role":"patient","full_name":"Matrix Signup"}
core     pat   POST   /api/v1/auth/signup                           201     -  {"email":"{NEWEMAIL}","password":"{PW}","role":"patient","full_name":"Matrix Signup"}
core     anon  POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     pat   POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     opat  POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     prct  POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     prnc  POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     prun  POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     staff POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     admin POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     aud   POST   /api/v1/auth/login                            200     -  {"email":"{MYEMAIL}","password":"{MYPW}"}
core     anon  GET    /api/v1/me                                    401     -  -
core     pat   GET    /api/v1/me                                    200     -  -
core     opat  GET    /api/v1/me                                    200     -  -
core     prct  GET    /api/v1/me                                    200     -  -
core     prnc  GET    /api/v1/me                                    200     -  -
core     prun  GET    /api/v1/me                                    200     -  -
core     staff GET    /api/v1/me                                    200     -  -
core     admin GET    /api/v1/me                                    200     -  -
core     aud   GET    /api/v1/me                                    200     -  -
core     anon  PATCH  /api/v1/me                                    401     -  {"full_name":"{MYNAME}"}
core     pat   PATCH  /api/v1/me                                    200     -  {"full_name":"{MYNAME}"}
core     opat  PATCH  /api/v1/me                                    200     -  {"full_name":"{MYNAME}"}
core     prct  PATCH  /api/v1/me                                    200     -  {"full_name":"{MYNAME}"}
core     prnc  PATCH  /api/v1/me                                    200     -  {"full_name":"{MYNAME}"}
core     prun  PATCH  /api/v1/me                                    200     -  {"full_name":"{MYNAME}"}
core     staff PATCH  /api/v1/me                                    200     -  {"full_name":"{MYNAME}"}
core     admin PATCH  /api/v1/me                                    200     -  {"full_name":"{MYNAME}"}
core     aud   PATCH  /api/v1/me                                    200     -  {"full_name":"{MYNAME}"}
core     anon  POST   /api/v1/auth/logout                           401     -  -
core     pat   POST   /api/v1/auth/logout                           204     -  -
core     opat  POST   /api/v1/auth/logout                           204     -  -
core     prct  POST   /api/v1/auth/logout                           204     -  -
core     prnc  POST   /api/v1/auth/logout                           204     -  -
core     prun  POST   /api/v1/auth/logout                           204     -  -
core     staff POST   /api/v1/auth/logout                           204     -  -
core     admin POST   /api/v1/auth/logout                           204     -  -
core     aud   POST   /api/v1/auth/logout                           204     -  -
# auth: own sessions (a session of another user is hidden)
sessions anon  GET    /api/v1/auth/sessions                         401     -  -
sessions pat   GET    /api/v1/auth/sessions                         200     -  -
sessions opat  GET    /api/v1/auth/sessions                         200     -  -
sessions prct  GET    /api/v1/auth/sessions                         200     -  -
sessions prnc  GET    /api/v1/auth/sessions                         200     -  -
sessions prun  GET    /api/v1/auth/sessions                         200     -  -
sessions staff GET    /api/v1/auth/sessions                         200     -  -
sessions admin GET    /api/v1/auth/sessions                         200     -  -
sessions aud   GET    /api/v1/auth/sessions                         200     -  -
sessions anon  DELETE /api/v1/auth/sessions/{OTHER_SESSION}         401     -  -
sessions pat   DELETE /api/v1/auth/sessions/{OTHER_SESSION}         404     d  -
sessions opat  DELETE /api/v1/auth/sessions/{OTHER_SESSION}         404     d  -
sessions prct  DELETE /api/v1/auth/sessions/{OTHER_SESSION}         404     d  -
sessions prnc  DELETE /api/v1/auth/sessions/{OTHER_SESSION}         404     d  -
sessions prun  DELETE /api/v1/auth/sessions/{OTHER_SESSION}         404     d  -
sessions staff DELETE /api/v1/auth/sessions/{OTHER_SESSION}         404     d  -
sessions admin DELETE /api/v1/auth/sessions/{OTHER_SESSION}         404     d  -
sessions aud   DELETE /api/v1/auth/sessions/{OTHER_SESSION}         404     d  -
# auth: passwords (forgot and reset are public; change needs a session)
password anon  POST   /api/v1/auth/password/forgot                  202     -  {"email":"{NEWEMAIL}"}
password pat   POST   /api/v1/auth/password/forgot                  202     -  {"email":"{NEWEMAIL}"}
password anon  POST   /api/v1/auth/password/reset                   400|422 -  {}
password anon  POST   /api/v1/auth/password/change                  401     -  {}
password pat   POST   /api/v1/auth/password/change                  400|422 -  {}
password opat  POST   /api/v1/auth/password/change                  400|422 -  {}
password prct  POST   /api/v1/auth/password/change                  400|422 -  {}
password prnc  POST   /api/v1/auth/password/change                  400|422 -  {}
password prun  POST   /api/v1/auth/password/change                  400|422 -  {}
password staff POST   /api/v1/auth/password/change                  400|422 -  {}
password admin POST   /api/v1/auth/password/change                  400|422 -  {}
password aud   POST   /api/v1/auth/password/change                  400|422 -  {}
# auth: TOTP (any signed-in user, on themself; the empty body shows the gate was passed)
mfa      anon  POST   /api/v1/auth/mfa/totp/setup                   401     -  {}
mfa      pat   POST   /api/v1/auth/mfa/totp/setup                   400|422 -  {}
mfa      opat  POST   /api/v1/auth/mfa/totp/setup                   400|422 -  {}
mfa      prct  POST   /api/v1/auth/mfa/totp/setup                   400|422 -  {}
mfa      prnc  POST   /api/v1/auth/mfa/totp/setup                   400|422 -  {}
mfa      prun  POST   /api/v1/auth/mfa/totp/setup                   400|422 -  {}
mfa      staff POST   /api/v1/auth/mfa/totp/setup                   400|422 -  {}
mfa      admin POST   /api/v1/auth/mfa/totp/setup                   400|422 -  {}
mfa      aud   POST   /api/v1/auth/mfa/totp/setup                   400|422 -  {}
mfa      anon  POST   /api/v1/auth/mfa/totp/enable                  401     -  {}
mfa      pat   POST   /api/v1/auth/mfa/totp/enable                  400|422 -  {}
mfa      opat  POST   /api/v1/auth/mfa/totp/enable                  400|422 -  {}
mfa      prct  POST   /api/v1/auth/mfa/totp/enable                  400|422 -  {}
mfa      prnc  POST   /api/v1/auth/mfa/totp/enable                  400|422 -  {}
mfa      prun  POST   /api/v1/auth/mfa/totp/enable                  400|422 -  {}
mfa      staff POST   /api/v1/auth/mfa/totp/enable                  400|422 -  {}
mfa      admin POST   /api/v1/auth/mfa/totp/enable                  400|422 -  {}
mfa      aud   POST   /api/v1/auth/mfa/totp/enable                  400|422 -  {}
mfa      anon  POST   /api/v1/auth/mfa/totp/disable                 401     -  {}
mfa      pat   POST   /api/v1/auth/mfa/totp/disable                 400|422 -  {}
mfa      opat  POST   /api/v1/auth/mfa/totp/disable                 400|422 -  {}
mfa      prct  POST   /api/v1/auth/mfa/totp/disable                 400|422 -  {}
mfa      prnc  POST   /api/v1/auth/mfa/totp/disable                 400|422 -  {}
mfa      prun  POST   /api/v1/auth/mfa/totp/disable                 400|422 -  {}
mfa      staff POST   /api/v1/auth/mfa/totp/disable                 400|422 -  {}
mfa      admin POST   /api/v1/auth/mfa/totp/disable                 400|422 -  {}
mfa      aud   POST   /api/v1/auth/mfa/totp/disable                 400|422 -  {}
# auth: admin user management
core     anon  POST   /api/v1/users                                 401     -  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     pat   POST   /api/v1/users                                 403     d  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     opat  POST   /api/v1/users                                 403     d  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     prct  POST   /api/v1/users                                 403     d  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     prnc  POST   /api/v1/users                                 403     d  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     prun  POST   /api/v1/users                                 403     d  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     staff POST   /api/v1/users                                 403     d  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     admin POST   /api/v1/users                                 201     -  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     aud   POST   /api/v1/users                                 403     d  {"email":"{NEWEMAIL}","password":"{PW}","role":"auditor","full_name":"Matrix Made"}
core     anon  POST   /api/v1/users/{VICTIM}/disable                401     -  -
core     pat   POST   /api/v1/users/{VICTIM}/disable                403     d  -
core     opat  POST   /api/v1/users/{VICTIM}/disable                403     d  -
core     prct  POST   /api/v1/users/{VICTIM}/disable                403     d  -
core     prnc  POST   /api/v1/users/{VICTIM}/disable                403     d  -
core     prun  POST   /api/v1/users/{VICTIM}/disable                403     d  -
core     staff POST   /api/v1/users/{VICTIM}/disable                403     d  -
core     admin POST   /api/v1/users/{VICTIM}/disable                200     -  -
core     aud   POST   /api/v1/users/{VICTIM}/disable                403     d  -
core     anon  POST   /api/v1/users/{VICTIM}/enable                 401     -  -
core     pat   POST   /api/v1/users/{VICTIM}/enable                 403     d  -
core     opat  POST   /api/v1/users/{VICTIM}/enable                 403     d  -
core     prct  POST   /api/v1/users/{VICTIM}/enable                 403     d  -
core     prnc  POST   /api/v1/users/{VICTIM}/enable                 403     d  -
core     prun  POST   /api/v1/users/{VICTIM}/enable                 403     d  -
core     staff POST   /api/v1/users/{VICTIM}/enable                 403     d  -
core     admin POST   /api/v1/users/{VICTIM}/enable                 200     -  -
core     aud   POST   /api/v1/users/{VICTIM}/enable                 403     d  -
core     anon  POST   /api/v1/users/{UNV2}/verify                   401     -  -
core     pat   POST   /api/v1/users/{UNV2}/verify                   403     d  -
core     opat  POST   /api/v1/users/{UNV2}/verify                   403     d  -
core     prct  POST   /api/v1/users/{UNV2}/verify                   403     d  -
core     prnc  POST   /api/v1/users/{UNV2}/verify                   403     d  -
core     prun  POST   /api/v1/users/{UNV2}/verify                   403     d  -
core     staff POST   /api/v1/users/{UNV2}/verify                   403     d  -
core     admin POST   /api/v1/users/{UNV2}/verify                   200     -  -
core     aud   POST   /api/v1/users/{UNV2}/verify                   403     d  -
# records: providers
core     anon  GET    /api/v1/providers                             401     -  -
core     pat   GET    /api/v1/providers                             200     -  -
core     opat  GET    /api/v1/providers                             200     -  -
core     prct  GET    /api/v1/providers                             200     -  -
core     prnc  GET    /api/v1/providers                             200     -  -
core     prun  GET    /api/v1/providers                             200     -  -
core     staff GET    /api/v1/providers                             200     -  -
core     admin GET    /api/v1/providers                             200     -  -
core     aud   GET    /api/v1/providers                             200     -  -
core     anon  GET    /api/v1/providers/{PR1}                       401     -  -
core     pat   GET    /api/v1/providers/{PR1}                       200     -  -
core     opat  GET    /api/v1/providers/{PR1}                       200     -  -
core     prct  GET    /api/v1/providers/{PR1}                       200     -  -
core     prnc  GET    /api/v1/providers/{PR1}                       200     -  -
core     prun  GET    /api/v1/providers/{PR1}                       200     -  -
core     staff GET    /api/v1/providers/{PR1}                       200     -  -
core     admin GET    /api/v1/providers/{PR1}                       200     -  -
core     aud   GET    /api/v1/providers/{PR1}                       200     -  -
core     anon  GET    /api/v1/providers/{UNV}                       401     -  -
core     pat   GET    /api/v1/providers/{UNV}                       404     d  -
core     opat  GET    /api/v1/providers/{UNV}                       404     d  -
core     prct  GET    /api/v1/providers/{UNV}                       404     d  -
core     prnc  GET    /api/v1/providers/{UNV}                       404     d  -
core     prun  GET    /api/v1/providers/{UNV}                       200     -  -
core     staff GET    /api/v1/providers/{UNV}                       200     -  -
core     admin GET    /api/v1/providers/{UNV}                       200     -  -
core     aud   GET    /api/v1/providers/{UNV}                       404     d  -
core     anon  PATCH  /api/v1/providers/{PR1}                       401     -  {"telehealth_enabled":{PR1_TELE}}
core     pat   PATCH  /api/v1/providers/{PR1}                       403     d  {"telehealth_enabled":{PR1_TELE}}
core     opat  PATCH  /api/v1/providers/{PR1}                       403     d  {"telehealth_enabled":{PR1_TELE}}
core     prct  PATCH  /api/v1/providers/{PR1}                       200     -  {"telehealth_enabled":{PR1_TELE}}
core     prnc  PATCH  /api/v1/providers/{PR1}                       403     d  {"telehealth_enabled":{PR1_TELE}}
core     prun  PATCH  /api/v1/providers/{PR1}                       403     d  {"telehealth_enabled":{PR1_TELE}}
core     staff PATCH  /api/v1/providers/{PR1}                       403     d  {"telehealth_enabled":{PR1_TELE}}
core     admin PATCH  /api/v1/providers/{PR1}                       200     -  {"telehealth_enabled":{PR1_TELE}}
core     aud   PATCH  /api/v1/providers/{PR1}                       403     d  {"telehealth_enabled":{PR1_TELE}}
core     anon  PATCH  /api/v1/providers/{UNV}                       401     -  {"telehealth_enabled":true}
core     pat   PATCH  /api/v1/providers/{UNV}                       404     d  {"telehealth_enabled":true}
core     opat  PATCH  /api/v1/providers/{UNV}                       404     d  {"telehealth_enabled":true}
core     prct  PATCH  /api/v1/providers/{UNV}                       404     d  {"telehealth_enabled":true}
core     prnc  PATCH  /api/v1/providers/{UNV}                       404     d  {"telehealth_enabled":true}
core     prun  PATCH  /api/v1/providers/{UNV}                       200     -  {"telehealth_enabled":true}
core     staff PATCH  /api/v1/providers/{UNV}                       403     d  {"telehealth_enabled":true}
core     admin PATCH  /api/v1/providers/{UNV}                       200     -  {"telehealth_enabled":true}
core     aud   PATCH  /api/v1/providers/{UNV}                       404     d  {"telehealth_enabled":true}
# records: patients (patient1 = pat; provider1 = prct is on their care team)
core     anon  GET    /api/v1/patients                              401     -  -
core     pat   GET    /api/v1/patients                              403     d  -
core     opat  GET    /api/v1/patients                              403     d  -
core     prct  GET    /api/v1/patients                              403     d  -
core     prnc  GET    /api/v1/patients                              403     d  -
core     prun  GET    /api/v1/patients                              403     d  -
core     staff GET    /api/v1/patients                              200     -  -
core     admin GET    /api/v1/patients                              200     -  -
core     aud   GET    /api/v1/patients                              403     d  -
core     anon  GET    /api/v1/patients/{P1}                         401     -  -
core     pat   GET    /api/v1/patients/{P1}                         200     -  -
core     opat  GET    /api/v1/patients/{P1}                         404     d  -
core     prct  GET    /api/v1/patients/{P1}                         200     -  -
core     prnc  GET    /api/v1/patients/{P1}                         404     d  -
core     prun  GET    /api/v1/patients/{P1}                         404     d  -
core     staff GET    /api/v1/patients/{P1}                         200     -  -
core     admin GET    /api/v1/patients/{P1}                         200     -  -
core     aud   GET    /api/v1/patients/{P1}                         404     d  -
core     anon  GET    /api/v1/patients/{P2}                         401     -  -
core     pat   GET    /api/v1/patients/{P2}                         404     d  -
core     opat  GET    /api/v1/patients/{P2}                         200     -  -
core     prct  GET    /api/v1/patients/{P2}                         404     d  -
core     prnc  GET    /api/v1/patients/{P2}                         404     d  -
core     prun  GET    /api/v1/patients/{P2}                         404     d  -
core     staff GET    /api/v1/patients/{P2}                         200     -  -
core     admin GET    /api/v1/patients/{P2}                         200     -  -
core     aud   GET    /api/v1/patients/{P2}                         404     d  -
core     anon  PATCH  /api/v1/patients/{P1}                         401     -  {"primary_clinic":{P1_CLINIC}}
core     pat   PATCH  /api/v1/patients/{P1}                         200     -  {"primary_clinic":{P1_CLINIC}}
core     opat  PATCH  /api/v1/patients/{P1}                         404     d  {"primary_clinic":{P1_CLINIC}}
core     prct  PATCH  /api/v1/patients/{P1}                         200     -  {"primary_clinic":{P1_CLINIC}}
core     prnc  PATCH  /api/v1/patients/{P1}                         404     d  {"primary_clinic":{P1_CLINIC}}
core     prun  PATCH  /api/v1/patients/{P1}                         404     d  {"primary_clinic":{P1_CLINIC}}
core     staff PATCH  /api/v1/patients/{P1}                         200     -  {"primary_clinic":{P1_CLINIC}}
core     admin PATCH  /api/v1/patients/{P1}                         200     -  {"primary_clinic":{P1_CLINIC}}
core     aud   PATCH  /api/v1/patients/{P1}                         404     d  {"primary_clinic":{P1_CLINIC}}
core     anon  PATCH  /api/v1/patients/{P1}                         401     -  {"phone":{P1_PHONE}}
core     pat   PATCH  /api/v1/patients/{P1}                         403     d  {"phone":{P1_PHONE}}
core     opat  PATCH  /api/v1/patients/{P1}                         404     d  {"phone":{P1_PHONE}}
core     prct  PATCH  /api/v1/patients/{P1}                         403     d  {"phone":{P1_PHONE}}
core     prnc  PATCH  /api/v1/patients/{P1}                         404     d  {"phone":{P1_PHONE}}
core     prun  PATCH  /api/v1/patients/{P1}                         404     d  {"phone":{P1_PHONE}}
core     staff PATCH  /api/v1/patients/{P1}                         200     -  {"phone":{P1_PHONE}}
core     admin PATCH  /api/v1/patients/{P1}                         200     -  {"phone":{P1_PHONE}}
core     aud   PATCH  /api/v1/patients/{P1}                         404     d  {"phone":{P1_PHONE}}
# records: care team (staff add provider2, admin finds it there; staff remove it, admin then find nothing)
core     anon  GET    /api/v1/patients/{P1}/care-team               401     -  -
core     pat   GET    /api/v1/patients/{P1}/care-team               200     -  -
core     opat  GET    /api/v1/patients/{P1}/care-team               404     d  -
core     prct  GET    /api/v1/patients/{P1}/care-team               200     -  -
core     prnc  GET    /api/v1/patients/{P1}/care-team               404     d  -
core     prun  GET    /api/v1/patients/{P1}/care-team               404     d  -
core     staff GET    /api/v1/patients/{P1}/care-team               200     -  -
core     admin GET    /api/v1/patients/{P1}/care-team               200     -  -
core     aud   GET    /api/v1/patients/{P1}/care-team               404     d  -
core     anon  POST   /api/v1/patients/{P1}/care-team               401     -  {"provider_id":"{PR2}"}
core     pat   POST   /api/v1/patients/{P1}/care-team               403     d  {"provider_id":"{PR2}"}
core     opat  POST   /api/v1/patients/{P1}/care-team               403     d  {"provider_id":"{PR2}"}
core     prct  POST   /api/v1/patients/{P1}/care-team               403     d  {"provider_id":"{PR2}"}
core     prnc  POST   /api/v1/patients/{P1}/care-team               403     d  {"provider_id":"{PR2}"}
core     prun  POST   /api/v1/patients/{P1}/care-team               403     d  {"provider_id":"{PR2}"}
core     staff POST   /api/v1/patients/{P1}/care-team               201     -  {"provider_id":"{PR2}"}
core     admin POST   /api/v1/patients/{P1}/care-team               409     -  {"provider_id":"{PR2}"}
core     aud   POST   /api/v1/patients/{P1}/care-team               403     d  {"provider_id":"{PR2}"}
core     anon  DELETE /api/v1/patients/{P1}/care-team/{PR2}         401     -  -
core     pat   DELETE /api/v1/patients/{P1}/care-team/{PR2}         403     d  -
core     opat  DELETE /api/v1/patients/{P1}/care-team/{PR2}         403     d  -
core     prct  DELETE /api/v1/patients/{P1}/care-team/{PR2}         403     d  -
core     prnc  DELETE /api/v1/patients/{P1}/care-team/{PR2}         403     d  -
core     prun  DELETE /api/v1/patients/{P1}/care-team/{PR2}         403     d  -
core     staff DELETE /api/v1/patients/{P1}/care-team/{PR2}         204     -  -
core     admin DELETE /api/v1/patients/{P1}/care-team/{PR2}         404     -  -
core     aud   DELETE /api/v1/patients/{P1}/care-team/{PR2}         403     d  -
TABLE
)

PW='violet-harbor-canoe-17'
declare -A EMAIL PASS TOKEN UID_OF NAME SUB PRESENT

# --- the actors ---
demo() { # ROLE EMAIL
	EMAIL[$1]=$2
	PASS[$1]=$DEMO_PASSWORD
	UID_OF[$1]=$(sql "SELECT id FROM users WHERE email_norm='$2'")
	[[ -n ${UID_OF[$1]} ]] || bail "no demo account $2 (is the database seeded?)"
}
demo pat patient1@demo.test
demo opat patient2@demo.test
demo prct provider1@demo.test
demo prnc provider2@demo.test
demo staff staff@demo.test
demo admin admin@demo.test
demo aud auditor@demo.test

# signup ROLE_NAME FULL_NAME [extra json]: a new account; prints "id email".
signup() {
	local em
	em=$(uniq_email)
	api POST /api/v1/auth/signup "$(jq -cn --arg e "$em" --arg p "$PW" --arg r "$1" --arg n "$2" \
		--argjson x "${3:-{\}}" '{email:$e,password:$p,role:$r,full_name:$n} + $x')"
	[[ $STATUS == 201 ]] || bail "signup $2: HTTP $STATUS $BODY"
	printf '%s %s\n' "$(jq -r .user.id <<<"$BODY")" "$em"
}
read -r UNV em <<<"$(signup provider "Matrix Unverified" '{"license_number":"LIC-MATRIX"}')"
EMAIL[prun]=$em PASS[prun]=$PW UID_OF[prun]=$UNV
read -r UNV2 _ <<<"$(signup provider "Matrix To Verify" '{"license_number":"LIC-MATRIX-2"}')"
read -r VICTIM _ <<<"$(signup patient "Matrix Victim")"
read -r BYSTANDER em <<<"$(signup patient "Matrix Bystander")"
login "$em" "$PW" >/dev/null || bail "bystander login"
OTHER_SESSION=$(sql "SELECT id FROM sessions WHERE user_id='$BYSTANDER' AND revoked_at IS NULL LIMIT 1")
[[ -n $OTHER_SESSION ]] || bail "no session for the bystander"

for r in "${!EMAIL[@]}"; do
	TOKEN[$r]=$(login "${EMAIL[$r]}" "${PASS[$r]}") || bail "login $r"
	NAME[$r]=$(sql "SELECT full_name FROM users WHERE id='${UID_OF[$r]}'")
done
EMAIL[anon]=${EMAIL[pat]} PASS[anon]=${PASS[pat]} NAME[anon]=${NAME[pat]} UID_OF[anon]=

P1=${UID_OF[pat]} P2=${UID_OF[opat]} PR1=${UID_OF[prct]} PR2=${UID_OF[prnc]}
# json_of SQL: the single value as a JSON literal (null for NULL).
json_of() { sql "SELECT IFNULL(JSON_QUOTE($1), 'null')"; }
SUB=(
	[P1]=$P1 [P2]=$P2 [PR1]=$PR1 [PR2]=$PR2 [UNV]=$UNV [UNV2]=$UNV2 [VICTIM]=$VICTIM
	[OTHER_SESSION]=$OTHER_SESSION [PW]=$PW
	[P1_CLINIC]=$(json_of "(SELECT primary_clinic FROM patient_profiles WHERE user_id='$P1')")
	[P1_PHONE]=$(json_of "(SELECT phone FROM users WHERE id='$P1')")
	[PR1_TELE]=$(sql "SELECT IF(telehealth_enabled, 'true', 'false') FROM provider_profiles WHERE user_id='$PR1'")
)

# --- care-team state for the run, put back at exit ---
on_team() { [[ $(sql "SELECT COUNT(*) FROM care_team WHERE patient_id='$P1' AND provider_id='$1'") == 1 ]]; }
team_sql_restore=
if ! on_team "$PR1"; then
	api POST "/api/v1/patients/$P1/care-team" "{\"provider_id\":\"$PR1\"}" -H "Authorization: Bearer ${TOKEN[staff]}"
	[[ $STATUS == 201 ]] || bail "cannot put provider1 on patient1's care team: HTTP $STATUS $BODY"
	team_sql_restore+="DELETE FROM care_team WHERE patient_id='$P1' AND provider_id='$PR1';"
fi
if on_team "$PR2"; then
	# The rows add provider2 themselves; take it off now, put it back after.
	added=$(sql "SELECT CONCAT(IFNULL(added_by, ''), '|', added_at) FROM care_team WHERE patient_id='$P1' AND provider_id='$PR2'")
	sql "DELETE FROM care_team WHERE patient_id='$P1' AND provider_id='$PR2'"
	team_sql_restore+="DELETE FROM care_team WHERE patient_id='$P1' AND provider_id='$PR2';"
	team_sql_restore+="INSERT INTO care_team VALUES ('$P1', '$PR2', NULLIF('${added%%|*}', ''), '${added#*|}');"
fi
[[ -n $team_sql_restore ]] && on_exit "sql \"$team_sql_restore\""
on_team "$PR1" && ! on_team "$PR2" || bail "care-team set-up failed"

# --- which optional routes are built ---
# present METHOD PATH: 0 unless the router answers 404 "no such route" or 501.
present() {
	api "$1" "$2" '{}' -H "Authorization: Bearer ${TOKEN[admin]}"
	! [[ $STATUS == 501 || ($STATUS == 404 && $(jq -r .detail <<<"$BODY" 2>/dev/null) == "no such route") ]]
}
PRESENT[core]=1
present GET /api/v1/auth/sessions && PRESENT[sessions]=1
present POST /api/v1/auth/password/change && PRESENT[password]=1
present POST /api/v1/auth/mfa/totp/enable && PRESENT[mfa]=1
# --- rows of the later areas ---
shopt -s nullglob
for f in "$T_LIB_DIR"/matrix.d/*.sh; do
	# shellcheck source=/dev/null
	. "$f" || bail "matrix.d/${f##*/} failed"
done
shopt -u nullglob
diag "optional route groups built: ${!PRESENT[*]}"

denied() { sql "SELECT COUNT(*) FROM audit_log WHERE outcome='denied'"; }
# skip_row NAME WHY: a TAP test skipped with its reason (ok would escape '#').
skip_row() {
	T_NUM=$((T_NUM + 1))
	printf 'ok %d - %s # SKIP %s\n' "$T_NUM" "$1" "$2"
}

# --- the same reads through GraphQL (issue 18, docs/GRAPHQL.md) ---
# Every GET row whose route is a root field of the GraphQL schema runs
# again as a document: a REST 2xx must give the field a value and no
# error, a refusal must give null and an error carrying REST's status, a
# 401 must be 401, and a REST denial must write its one denied audit row
# here too, each right after its REST row (the rows change state). Rows
# whose query string has no GraphQL spelling are left out.
# gql_doc PATH: GQL_DOC, the document for a GET of PATH, and GQL_FIELD
# its root field; both empty when the route has no GraphQL spelling.
gql_doc() {
	local p=$1 id='[A-Za-z0-9_-]+' f= a=
	case $p in
	/api/v1/me) f=me ;;
	/api/v1/patients) f=patients ;;
	/api/v1/providers) f=providers ;;
	/api/v1/appointments) f=appointments ;;
	/api/v1/threads) f=threads ;;
	/api/v1/video-sessions) f=videoSessions ;;
	/api/v1/messages/unread-count) f=unreadCounts ;;
	*)
		if [[ $p =~ ^/api/v1/patients/($id)/care-team$ ]]; then f=careTeam a="patientId: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/patients/($id)$ ]]; then f=patient a="id: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/providers/($id)$ ]]; then f=provider a="id: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/availability/($id)$ ]]; then f=availability a="providerId: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/appointments/($id)$ ]]; then f=appointment a="id: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/threads/($id)/messages$ ]]; then f=messages a="threadId: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/threads/($id)$ ]]; then f=thread a="id: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/waiting-room/entries/($id)$ ]]; then f=waitingRoomEntry a="id: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/video-sessions/($id)/join$ ]]; then f=videoSessionJoin a="id: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/video-sessions/($id)$ ]]; then f=videoSession a="id: \"${BASH_REMATCH[1]}\""
		elif [[ $p =~ ^/api/v1/waiting-room\?provider_id=($id)$ ]]; then f=waitingRoom a="providerId: \"${BASH_REMATCH[1]}\""
		fi ;;
	esac
	GQL_FIELD=$f GQL_DOC=
	[[ -n $f ]] || return 0
	[[ -n $a ]] && a="($a)"
	GQL_DOC=$(jq -cn --arg q "{ $f$a { __typename } }" '{query: $q}')
}
# gql_row ROLE PATH EXPECT AUDIT: the GET row just run through REST, run
# again through GraphQL in the same state.
gql_row() {
	local role=$1 path=$2 expect=$3 audit=$4 name got d0
	local -a args=()
	gql_doc "$path"
	[[ -n $GQL_DOC ]] || return 0
	grows=$((grows + 1))
	name="graphql: $role $GQL_FIELD ($path)"
	[[ $role != anon ]] && args=(-H "Authorization: Bearer ${TOKEN[$role]}")
	d0=$(denied)
	api POST /api/v1/graphql "$GQL_DOC" -H 'Accept: application/graphql-response+json' "${args[@]}"
	if [[ $expect == 401 ]]; then
		is "$STATUS" 401 "$name -> 401"
		return 0
	fi
	got=$(jq -r --arg f "$GQL_FIELD" 'if .errors then "error \(.errors[0].extensions.status)" else
		(if .data[$f] == null then "null" else "value" end) end' <<<"$BODY" 2>/dev/null)
	if [[ $expect =~ ^2 ]]; then
		is "$STATUS $got" "200 value" "$name: a value, as REST's $expect" || diag "reply: ${BODY:0:300}"
	else
		like "$STATUS $got" "^200 error ($expect)\$" "$name: null and an error with REST's $expect" ||
			diag "reply: ${BODY:0:300}"
		is "$(jq -r --arg f "$GQL_FIELD" '.data[$f]' <<<"$BODY")" null "$name: the field is null"
	fi
	if [[ $audit == d ]]; then
		is "$(($(denied) - d0))" 1 "$name: the denial is audited"
	fi
	return 0
}
grows=0

# --- the matrix ---
rows=0 skipped=0
while read -r group role method path expect audit body; do
	[[ -z $group || $group == \#* ]] && continue
	rows=$((rows + 1))
	name="$role $method $path"
	if [[ -z ${PRESENT[$group]:-} ]]; then
		skipped=$((skipped + 1))
		skip_row "$name" "$group routes not built"
		continue
	fi
	for k in "${!SUB[@]}"; do
		path=${path//"{$k}"/${SUB[$k]}}
		body=${body//"{$k}"/${SUB[$k]}}
	done
	path=${path//"{ME}"/${UID_OF[$role]}}
	body=${body//"{MYEMAIL}"/${EMAIL[$role]}}
	body=${body//"{MYPW}"/${PASS[$role]}}
	body=${body//"{MYNAME}"/${NAME[$role]}}
	body=${body//"{NEWEMAIL}"/$(uniq_email)}
	[[ $body == - ]] && body=
	args=()
	if [[ $role != anon ]]; then
		tok=${TOKEN[$role]}
		# Logging out must not end the session the other rows use.
		[[ $path == /api/v1/auth/logout ]] && tok=$(login "${EMAIL[$role]}" "${PASS[$role]}")
		args=(-H "Authorization: Bearer $tok")
	fi
	before=$(counts)
	d0=$(denied)
	api "$method" "$path" "$body" "${args[@]}"
	if ! like "$STATUS" "^($expect)\$" "$name -> $expect"; then
		diag "reply: ${BODY:0:300}"
	fi
	if [[ $audit == d ]]; then
		is "$(($(denied) - d0))" 1 "$name: the denial is audited"
	elif [[ $expect == 401 ]]; then
		is "$(delta "$before" "$(counts)")" none "$name: nothing written without a session"
	fi
	[[ $method == GET ]] && gql_row "$role" "$path" "$expect" "$audit"
done <<<"$MATRIX"
diag "matrix: $rows rows, $skipped skipped (routes not built)"

diag "matrix through GraphQL: $grows rows"
((grows >= 100))
ok $? "the matrix ran at least 100 rows through GraphQL ($grows)"

# The matrix's writes put back what was there.
is "$(sql "SELECT is_disabled FROM users WHERE id='$VICTIM'")" 0 "the victim is enabled again"
is "$(json_of "(SELECT primary_clinic FROM patient_profiles WHERE user_id='$P1')")" "${SUB[P1_CLINIC]}" "patient1's clinic as before"
is "$(json_of "(SELECT phone FROM users WHERE id='$P1')")" "${SUB[P1_PHONE]}" "patient1's phone as before"
on_team "$PR2" && st=1 || st=0
ok "$st" "provider2 is off patient1's care team again (as before the run)"

done_testing
