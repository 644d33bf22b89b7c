#!/usr/bin/env bash
# scripts/check-packaging.sh: the packaging files agree with the control file.
# Part of scripts/test.sh.  Prints "packaging: PASS" or the FAIL lines, exits
# non-zero on any failure.
#
# META.json must be valid JSON carrying the fields PGXN's META spec 1.0.0
# requires, its version (and the extension's in "provides") must be the
# control file's default_version as a semantic version (1.1 -> 1.1.0), the
# newest debian/changelog entry must be that version, CHANGELOG.md must have
# a section for it, and LICENSE must carry the sources' copyright line.
set -euo pipefail
cd "$(dirname "$0")/.."

control_version=$(sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" truck_accept.control)
semver=$control_version
case $semver in
	*.*.*) ;;
	*.*) semver=$semver.0 ;;
	*) semver=$semver.0.0 ;;
esac

status=0
fail() { echo "FAIL: $*"; status=1; }

[ -n "$control_version" ] || fail "no default_version in truck_accept.control"
[ -f "truck_accept--$control_version.sql" ] || [ -n "$(ls truck_accept--*--"$control_version".sql 2>/dev/null)" ] ||
	fail "no install or upgrade script for version $control_version"

# META.json, read with JSON::PP (in every perl)
meta=$(perl -MJSON::PP -e '
	local $/; open my $fh, "<", "META.json" or die "cannot read META.json: $!\n";
	my $m = eval { JSON::PP->new->decode(<$fh>) } or die "META.json is not valid JSON: $@";
	my @missing = grep { !defined $m->{$_} } qw(name abstract version maintainer license provides meta-spec);
	die "META.json lacks: @missing\n" if @missing;
	die "META.json: meta-spec version is not 1.0.0\n" unless $m->{"meta-spec"}{version} eq "1.0.0";
	my $semver = qr/^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
	die "META.json: version $m->{version} is not a semantic version\n" unless $m->{version} =~ $semver;
	my %licenses = map { $_ => 1 } qw(agpl_3 apache_1_1 apache_2_0 artistic_1 artistic_2 bsd freebsd
		gfdl_1_2 gfdl_1_3 gpl_1 gpl_2 gpl_3 lgpl_2_1 lgpl_3_0 mit mozilla_1_0 mozilla_1_1 openssl perl_5
		postgresql qpl_1_0 ssleay sun zlib open_source restricted unrestricted unknown);
	die "META.json: license $m->{license} is not one of the spec\x27s\n" unless $licenses{$m->{license}};
	my $p = $m->{provides}{truck_accept} or die "META.json: provides has no truck_accept\n";
	die "META.json: provides.truck_accept lacks file or version\n" unless $p->{file} && $p->{version};
	print join(" ", $m->{name}, $m->{version}, $p->{version}, $p->{file},
		$m->{prereqs}{runtime}{requires}{PostgreSQL} // "none"), "\n";
' 2>&1) || { fail "$meta"; meta=; }
if [ -n "$meta" ]; then
	read -r name version provides_version provides_file pg_min <<<"$meta"
	[ "$name" = truck_accept ] || fail "META.json name is $name"
	[ "$version" = "$semver" ] || fail "META.json version $version, control file $control_version (expected $semver)"
	[ "$provides_version" = "$semver" ] || fail "META.json provides version $provides_version, expected $semver"
	[ -f "$provides_file" ] || fail "META.json provides file $provides_file does not exist"
	[ "$pg_min" != none ] || fail "META.json has no PostgreSQL runtime prerequisite"
fi

deb_version=$(sed -n '1s/^[^ ]* (\([^)-]*\)-[^)]*).*/\1/p' debian/changelog 2>/dev/null || true)
[ "$deb_version" = "$semver" ] || fail "debian/changelog's newest version is '$deb_version', expected $semver"

grep -Eq "^## \[?$control_version(\.0)?\]?( |$)" CHANGELOG.md 2>/dev/null ||
	fail "CHANGELOG.md has no section for $control_version"

copyright=$(sed -n 's/^ \* \(Copyright (c) .*\)$/\1/p' truck_accept.h | head -n 1)
[ -n "$copyright" ] && grep -qF "$copyright" LICENSE 2>/dev/null ||
	fail "LICENSE does not carry the sources' copyright line ($copyright)"

[ $status = 0 ] && echo "packaging: PASS (control $control_version = META.json $semver = debian/changelog, CHANGELOG.md, LICENSE)"
exit $status
