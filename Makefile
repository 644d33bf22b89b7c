# Makefile for truck_accept, built with PGXS.
#
#   make && sudo make install        build and install into pg_config's server
#   make WERROR=1                    the same with -Werror (what the project's scripts do)
#   make installcheck                pg_regress (sql/) + isolation specs (specs/)
#   make prove                       pgTAP suite (test/) through pg_prove
#
# The test targets run against the server that PGHOST/PGPORT/PGUSER name;
# scripts/test.sh starts a throwaway one and runs them all.

EXTENSION = truck_accept
# The version lives in the control file only.
EXTVERSION = $(shell sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" $(EXTENSION).control)

MODULE_big = truck_accept
OBJS = truck_accept.o catalog.o statements.o rows.o orders.o ids.o \
	events.o lifecycle.o accept_any.o

PGFILEDESC = "truck_accept - hand a contested truck slot to exactly one caller"

DATA = $(wildcard $(EXTENSION)--*.sql)

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)
ISOLATION = $(patsubst specs/%.spec,%,$(sort $(wildcard specs/*.spec)))
ISOLATION_OPTS = --load-extension=$(EXTENSION)

PG_CPPFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
# -Werror only in the project's own builds (scripts/test.sh and
# scripts/matrix.sh pass WERROR=1): a packager's newer compiler may warn
# where ours does not, and that must not fail a plain `make && make install`.
ifneq ($(WERROR),)
PG_CPPFLAGS += -Werror
endif

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

ifeq ($(EXTVERSION),)
$(error could not read default_version from $(EXTENSION).control)
endif

PGTAP_DB ?= truck_accept_tap
PG_PROVE ?= pg_prove

.PHONY: installcheck-regress installcheck-isolation prove

# The two halves of installcheck, so that a failure in one still runs the other.
installcheck-regress: submake $(REGRESS_PREP)
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)

installcheck-isolation: submake $(REGRESS_PREP)
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)

# pgTAP: a fresh database with pgtap and truck_accept, then every test/*.sql.
prove:
	PGOPTIONS="-c client_min_messages=warning" dropdb --if-exists $(PGTAP_DB)
	createdb $(PGTAP_DB)
	psql -X -q -v ON_ERROR_STOP=1 -d $(PGTAP_DB) -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION $(EXTENSION)' -c 'SELECT truck_accept.create_tables()'
	$(PG_PROVE) -d $(PGTAP_DB) --ext .sql test/

# Every object shares the declarations of the header.
$(OBJS): truck_accept.h
