// Package interop holds smspark's interoperability tests: the engine
// binary against SMPP peers that other people wrote. The SMSC in
// smsc.pl is built on Perl's Net::SMPP. The tests need Perl and that
// module and run only with the interop build tag (scripts/interop.sh
// installs the module and runs them); the package has no other code.
package interop
