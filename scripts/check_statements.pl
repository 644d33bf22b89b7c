#!/usr/bin/perl
# scripts/check_statements.pl: checks that every SQL statement in the C
# sources names its operators, functions and types schema-qualified, so that
# nothing on a caller's search_path can stand in for them.
#
#   perl scripts/check_statements.pl truck_accept.c lifecycle.c ...
#
# Run by pg_regress (sql/17_statements_qualified.sql).  It reads every C string
# literal that looks like SQL (see is_sql) and, after removing what is allowed (OPERATOR(pg_catalog.x),
# quoted SQL literals, printf conversions, schema-qualified names), reports:
#   - an operator character (= < > ! ~ + - * / | & # @ ^) left over; the only
#     bare "=" allowed is an assignment "column = " in a SET list, that is, an
#     unqualified column name right after SET, a comma or the start of the
#     literal;
#   - IN (...), NOT IN, BETWEEN, LIKE, ILIKE, SIMILAR TO, IS DISTINCT FROM,
#     NULLIF and a simple CASE x WHEN, which all call "=" or another operator
#     by name; ANY/ALL/SOME (...) not preceded by OPERATOR(pg_catalog.x);
#   - a function called without a schema (a lower-case name and "(");
#   - a cast to a type without a schema (::name).
# It prints one line per file ("FILE: N statements' literals checked, all
# qualified", or each offending line) and exits 1 if anything was found.
use strict;
use warnings;

my $status = 0;

for my $file (@ARGV)
{
	open(my $fh, '<', $file) or die "cannot open $file: $!\n";
	my @lines = <$fh>;
	close($fh);

	my $checked = 0;
	my @problems;
	my $in_comment = 0;

	for my $n (0 .. $#lines)
	{
		my $line = $lines[$n];

		# skip comments (block comments may span lines)
		if ($in_comment)
		{
			next unless $line =~ s{^.*?\*/}{};
			$in_comment = 0;
		}
		$line =~ s{/\*.*?\*/}{}g;
		if ($line =~ s{/\*.*$}{})
		{
			$in_comment = 1;
		}
		$line =~ s{//.*$}{} unless $line =~ /"[^"]*\/\/[^"]*"/;

		while ($line =~ /"((?:[^"\\]|\\.)*)"/g)
		{
			my $lit = $1;

			next unless is_sql($lit);
			$checked++;
			my @found = check_literal($lit);
			push @problems, map { sprintf("%s:%d: %s in \"%s\"", $file, $n + 1, $_, $lit) } @found;
		}
	}

	if (@problems)
	{
		print "$_\n" for @problems;
		$status = 1;
	}
	else
	{
		printf "%s: %s\n", $file,
		  $checked > 0 ? "every SQL literal schema-qualified" : "no SQL literal found";
		$status = 1 if $checked == 0;
	}
}

exit $status;

# A literal of a statement: it starts with an SQL keyword, or has a $n
# parameter, the %1$s schema or pg_catalog in it, or an SQL keyword without
# starting like a sentence of a message ("Give the role a policy for UPDATE").
sub is_sql
{
	my ($lit) = @_;
	my $kw = qr/SELECT|WITH|UPDATE|INSERT|DELETE|FROM|WHERE|AND|OR|NOT|SET|
	  RETURNING|VALUES|UNION|ORDER|LIMIT|FOR|ON|JOIN|USING|OPERATOR|CASE|WHEN|
	  THEN|ELSE|END|EXISTS|GROUP|HAVING/x;

	return 1 if $lit =~ /^\s*(?:$kw)\b/;
	return 1 if $lit =~ /\$[0-9]/ || $lit =~ /%1\$s/ || $lit =~ /pg_catalog\./;
	return 1 if $lit =~ /\b(?:SELECT|FROM|WHERE)\b/ && $lit !~ /^\s*[A-Z][a-z]/;
	return 0;
}

sub check_literal
{
	my ($s) = @_;
	my @found;

	$s =~ s/\\"/"/g;
	# statement templates (catalog.c, STATEMENT TEMPLATES): the column or
	# status each stands for (what catalog.c expands them to is in its own
	# literals, checked as well)
	$s =~ s/\{[a-z]:touch(?:_cols|_vals)?\}//g;
	$s =~ s/\{[a-z]:([a-z_]+)=now\}/$1 = NOW/g;
	$s =~ s/\{[a-z]:[a-z_]+\@(\$[0-9]+)\}/$1/g;
	$s =~ s/\{[a-z]:('[a-z_]+')\}/$1/g;
	$s =~ s/\{([a-z])\.([a-z_]+)(?::(?:text|tz))?\}/$1.$2/g;
	$s =~ s/\{[a-z]:([a-z_]+)\}/$1/g;
	# quoted SQL literals ('searching', '{a,b}') and quoted identifiers
	$s =~ s/'(?:[^']|'')*'/ LIT /g;
	$s =~ s/"(?:[^"]|"")*"/ IDENT /g;
	# printf conversions (%1$s is the schema, always followed by ".name")
	$s =~ s/%1\$s\./SCHEMA./g;
	$s =~ s/%[0-9]*\$?[-0-9.]*[sduclfx]/ FMT /g;
	# the allowed spellings
	$s =~ s/OPERATOR\(pg_catalog\.[^)\s]+\)\s*(?:ANY|ALL|SOME)\s*\(/ OP QUANTIFIED (/g;
	$s =~ s/OPERATOR\(pg_catalog\.[^)\s]+\)/ OP /g;
	$s =~ s/::(?:pg_catalog|SCHEMA)\.[a-z_0-9]+(?:\[\])?/ CAST /g;
	$s =~ s/\$[0-9]+/ PARAM /g;

	push @found, "cast to an unqualified type ($1)" while $s =~ /::\s*([A-Za-z_"][\w"]*)/g;
	$s =~ s/::/ /g;

	for my $kw ('IN', 'BETWEEN', 'LIKE', 'ILIKE', 'SIMILAR', 'NULLIF', 'DISTINCT')
	{
		push @found, "\"$kw\" (compares with an operator found on search_path)"
		  if $s =~ /\b$kw\b/i && !($kw eq 'DISTINCT' && $s !~ /\bIS\s+(NOT\s+)?DISTINCT\b/i)
		  && !($kw eq 'IN' && $s =~ /\bIN\b/ && $s !~ /\bIN\s*\(/i && $s !~ /\bIN\s*$/i);
	}
	push @found, "simple CASE (compares with \"=\" found on search_path)"
	  if $s =~ /\bCASE\s+(?!WHEN\b)\S/i;
	push @found, "\"$1\" without OPERATOR(pg_catalog.x) before it"
	  while $s =~ /\b(ANY|ALL|SOME)\s*\(/g;

	# function calls: a name and "(" not after a "." (schema-qualified)
	while ($s =~ /(?<![.\w])([a-z_][a-z0-9_]*)\s*\(/g)
	{
		push @found, "unqualified function $1()";
	}

	# SET-list assignments "column = " are the only bare "=" allowed
	$s =~ s/(^\s*|\bSET\s+|,\s*)([a-z_][a-z0-9_]*)\s*=(?![=<>])/$1$2 ASSIGN /g;
	# "*" of count(*), SELECT * and alias.*
	$s =~ s/\(\s*\*\s*\)/( STAR )/g;
	$s =~ s/\.\*/.STAR/g;
	$s =~ s/\bSELECT\s+\*/SELECT STAR/g;

	push @found, "operator \"$1\"" while $s =~ /([=<>!~+\-*\/|&#@^%]+)/g;
	return @found;
}
