// Package interop holds smspark's interoperability tests: the engine
// binary against SMPP peers that other people wrote. The SMSC in
// smsc.pl is built on Perl's Net::SMPP (scripts/interop.sh installs the
// module and runs TestNetSMPP); the one in npm/smsc.js on the npm package
// smpp (scripts/interop-npm.sh runs npm ci and TestNPMSMPP). The tests run
// only with the interop build tag; the package has no other code.
package interop
