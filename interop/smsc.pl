#!/usr/bin/perl
# smsc.pl - a small SMSC built on Perl's Net::SMPP (server side), for
# smspark's interoperability test (interop_test.go, scripts/interop.sh).
#
# It listens, accepts the ESME's bind (one transceiver, or a transmitter
# and a receiver on two connections), delivers the MOs as deliver_sm one
# at a time (the next one only after the previous one's deliver_sm_resp
# and one submit_sm came back), answers every submit_sm with a
# submit_sm_resp, answers enquire_link and unbind, and reports what
# happens as JSON lines on stdout. It decodes nothing beyond the PDU
# fields: the text checks are the Go test's.
#
# Usage:
#   perl smsc.pl [options] [PORT]
#     --port N             port on 127.0.0.1 (0, the default: any free one)
#     --mode M             transceiver (default) or transmitter+receiver
#     --system-id ID       the system_id the ESME must bind with (default smspark)
#     --password PW        the password it must bind with (default s3cret)
#     --short-code CODE    destination_addr of the MOs (default 4411)
#     --mo FROM=TEXT       an MO (repeatable): source_addr, TON 1 NPI 1,
#                          text sent as is with data_coding 0
#     --mos FILE           more MOs, one per line: FROM<TAB>TEXT
#     --timeout SECONDS    bound on the whole run (default 30)
#     --unbind-wait SECS   after the last reply, how long to wait for the
#                          ESME to unbind and hang up (default 15)
#
# Output, one JSON object per line, each with an "event":
#   listening  {port}                    the port it listens on
#   bound      {kind, system_id, interface_version}
#   enquire_link / enquire_link_resp {kind}
#   deliver_sm_resp {index, status, kind}
#   submit_sm  {kind, source, source_ton, source_npi, dest, dest_ton,
#               dest_npi, data_coding, esm_class, registered_delivery,
#               short_message_hex, message_id}
#   done       {replies}                 every MO delivered and answered
#   unbind     {kind}                    the ESME unbound (unbind_resp sent)
#   error      {message}                 something the test must fail on
#   timeout    {message}
# Exit status: 0 when every MO was delivered (ESME_ROK), answered, and
# every bind ended with an unbind; 1 otherwise.

use strict;
use warnings;

use Getopt::Long qw(GetOptions);
use IO::Select;
use JSON::PP;
use Net::SMPP;
use Time::HiRes qw(time);

$| = 1;

my %opt = (
    port          => 0,
    mode          => 'transceiver',
    'system-id'   => 'smspark',
    password      => 's3cret',
    'short-code'  => '4411',
    timeout       => 30,
    'unbind-wait' => 15,
);
my @mo_args;
GetOptions(\%opt, 'port=i', 'mode=s', 'system-id=s', 'password=s',
    'short-code=s', 'mos=s', 'timeout=f', 'unbind-wait=f', 'mo=s' => \@mo_args)
  or die "usage: perl smsc.pl [--port N] [--mode M] [--mo FROM=TEXT]... [PORT]\n";
$opt{port} = shift @ARGV if @ARGV;
die "smsc.pl: --mode must be transceiver or transmitter+receiver\n"
  unless $opt{mode} eq 'transceiver' || $opt{mode} eq 'transmitter+receiver';

# MOs: [from, text].
my @mos;
for my $a (@mo_args) {
    my ($from, $text) = split /=/, $a, 2;
    die "smsc.pl: --mo wants FROM=TEXT, got '$a'\n" unless defined $text && length $from;
    push @mos, [$from, $text];
}
if (defined $opt{mos}) {
    open my $fh, '<', $opt{mos} or die "smsc.pl: $opt{mos}: $!\n";
    while (my $line = <$fh>) {
        chomp $line;
        next if $line =~ /^\s*(#|$)/;
        my ($from, $text) = split /\t/, $line, 2;
        die "smsc.pl: $opt{mos}:$.: want FROM<TAB>TEXT\n" unless defined $text;
        push @mos, [$from, $text];
    }
    close $fh;
}
die "smsc.pl: no MOs (--mo or --mos)\n" unless @mos;
for my $m (@mos) {
    # Sent as is with data_coding 0: only characters whose GSM 03.38 code
    # is their ASCII code may appear ('@', '$', '_' and the like differ).
    die "smsc.pl: MO text '$m->[1]' has characters GSM 03.38 codes differently from ASCII\n"
      if $m->[1] =~ /[^A-Za-z0-9 !"#%&'()*+,\-.\/:;<=>?\n\r]/;
    die "smsc.pl: MO source '$m->[0]' is not digits\n" unless $m->[0] =~ /^\d+$/;
}

# Command ids and statuses (SMPP 3.4 tables 5-1, 5-2).
use constant {
    ESME_ROK        => 0x00,
    ESME_RINVCMDID  => 0x03,
    ESME_RINVBNDSTS => 0x04,
    ESME_RALYBND    => 0x05,
    ESME_RBINDFAIL  => 0x0D,
    ESME_RINVPASWD  => 0x0E,
    ESME_RINVSYSID  => 0x0F,
};

my $json = JSON::PP->new->canonical(1);
my $errors = 0;

sub report {
    my (%ev) = @_;
    print $json->encode(\%ev), "\n";
}

sub error {
    my ($msg) = @_;
    $errors++;
    report(event => 'error', message => $msg);
}

my $listener = Net::SMPP->new_listen('127.0.0.1', port => $opt{port})
  or die "smsc.pl: listen on 127.0.0.1:$opt{port}: $!\n";
report(event => 'listening', port => 0 + $listener->sockport);

my $sel = IO::Select->new($listener);
my %conns;          # fileno => {sock, kind (undef until bound), enq_seq, unbound}
my %bound;          # kind => conn, for the binds that are up
my %ever_bound;     # kind => times bound
my %delivering;     # deliver_sm seq => MO index, awaiting deliver_sm_resp
my $next_mo  = 0;   # index of the next MO to deliver
my $acked    = 0;   # deliver_sm_resp received
my $replies  = 0;   # submit_sm received
my $msg_id   = 0;
my $done_at;        # when every MO got its resp and its reply
my $deadline = time + $opt{timeout};

my %bind_kind = (
    Net::SMPP::CMD_bind_transceiver() => 'transceiver',
    Net::SMPP::CMD_bind_transmitter() => 'transmitter',
    Net::SMPP::CMD_bind_receiver()    => 'receiver',
);
my %bind_resp = (
    transceiver => 'bind_transceiver_resp',
    transmitter => 'bind_transmitter_resp',
    receiver    => 'bind_receiver_resp',
);

# The kinds this SMSC takes in its mode.
sub kind_allowed {
    my ($kind) = @_;
    return $kind eq 'transceiver' if $opt{mode} eq 'transceiver';
    return $kind eq 'transmitter' || $kind eq 'receiver';
}

# The bind MOs go on, once every bind of the mode is up.
sub mo_bind {
    return $bound{transceiver} if $opt{mode} eq 'transceiver';
    return $bound{receiver} if $bound{transmitter};
    return undef;
}

# Deliver the next MO when the previous one was acked and answered.
sub pump {
    return if $next_mo >= @mos || %delivering || $replies < $next_mo;
    my $c = mo_bind() or return;
    my ($from, $text) = @{$mos[$next_mo]};
    # async: Net::SMPP's synchronous mode would wait for the resp and
    # silently drop every other PDU meanwhile (a submit_sm among them).
    my $seq = $c->{sock}->deliver_sm(
        async            => 1,
        service_type     => '',
        source_addr_ton  => 1,
        source_addr_npi  => 1,
        source_addr      => $from,
        dest_addr_ton    => 0,
        dest_addr_npi    => 0,
        destination_addr => $opt{'short-code'},
        esm_class        => 0,
        protocol_id      => 0,
        data_coding      => 0,
        short_message    => $text,
    );
    $delivering{$seq} = $next_mo++;
}

sub check_done {
    return if defined $done_at || $acked < @mos || $replies < @mos;
    $done_at = time;
    report(event => 'done', replies => 0 + $replies);
}

sub drop {
    my ($c, $why) = @_;
    my $kind = $c->{kind};
    if ($kind && !$c->{unbound}) {
        error("$kind connection closed without unbind: $why");
    }
    delete $bound{$kind} if $kind && $bound{$kind} && $bound{$kind} == $c;
    $sel->remove($c->{sock});
    delete $conns{fileno $c->{sock}};
    close $c->{sock};
}

sub on_bind {
    my ($c, $pdu, $kind) = @_;
    my $resp = $bind_resp{$kind};
    my $status = ESME_ROK;
    if ($c->{kind}) {
        $status = ESME_RALYBND;
        error("second bind ($kind) on a $c->{kind} connection");
    } elsif (!kind_allowed($kind)) {
        $status = ESME_RBINDFAIL;
        error("bind $kind refused: this SMSC takes $opt{mode}");
    } elsif ($pdu->{system_id} ne $opt{'system-id'}) {
        $status = ESME_RINVSYSID;
        error("bind with system_id '$pdu->{system_id}'");
    } elsif ($pdu->{password} ne $opt{password}) {
        $status = ESME_RINVPASWD;
        error("bind with a wrong password");
    }
    # Quirk: without system_id the resp carries the listener's (empty) one.
    $c->{sock}->$resp(seq => $pdu->{seq}, status => $status, system_id => 'perlsmsc');
    return if $status != ESME_ROK;
    error("$kind bound again while a $kind bind is up") if $bound{$kind};
    $c->{kind} = $kind;
    $bound{$kind} = $c;
    $ever_bound{$kind}++;
    report(event => 'bound', kind => $kind, system_id => $pdu->{system_id},
        interface_version => 0 + $pdu->{interface_version});
    # enquire_link both ways: ask once, expect the resp.
    $c->{enq_seq} = $c->{sock}->enquire_link(async => 1);
}

sub on_submit {
    my ($c, $pdu) = @_;
    my $kind = $c->{kind};
    if ($kind eq 'receiver') {
        error("submit_sm on the receiver bind");
        $c->{sock}->submit_sm_resp(seq => $pdu->{seq}, status => ESME_RINVBNDSTS, message_id => '');
        return;
    }
    my $id = sprintf 'perl%08d', ++$msg_id;
    report(
        event               => 'submit_sm',
        kind                => $kind,
        source              => $pdu->{source_addr},
        source_ton          => 0 + $pdu->{source_addr_ton},
        source_npi          => 0 + $pdu->{source_addr_npi},
        dest                => $pdu->{destination_addr},
        dest_ton            => 0 + $pdu->{dest_addr_ton},
        dest_npi            => 0 + $pdu->{dest_addr_npi},
        data_coding         => 0 + $pdu->{data_coding},
        esm_class           => 0 + $pdu->{esm_class},
        registered_delivery => 0 + $pdu->{registered_delivery},
        short_message_hex   => unpack('H*', $pdu->{short_message}),
        message_id          => $id,
    );
    $c->{sock}->submit_sm_resp(seq => $pdu->{seq}, message_id => $id);
    $replies++;
}

sub on_pdu {
    my ($c, $pdu) = @_;
    my $cmd = $pdu->{cmd};
    my $sock = $c->{sock};
    if (my $kind = $bind_kind{$cmd}) {
        on_bind($c, $pdu, $kind);
        return;
    }
    unless ($c->{kind}) {
        error(sprintf 'command 0x%08x before bind', $cmd);
        $sock->generic_nack(seq => $pdu->{seq}, status => ESME_RINVBNDSTS) unless $cmd & 0x80000000;
        return;
    }
    if ($cmd == Net::SMPP::CMD_submit_sm()) {
        on_submit($c, $pdu);
    } elsif ($cmd == Net::SMPP::CMD_deliver_sm_resp()) {
        my $i = delete $delivering{$pdu->{seq}};
        if (!defined $i) {
            error("deliver_sm_resp seq $pdu->{seq} answers no deliver_sm");
            return;
        }
        $acked++;
        report(event => 'deliver_sm_resp', index => 0 + $i, status => 0 + $pdu->{status}, kind => $c->{kind});
        error(sprintf 'MO %d (%s) answered with status 0x%08x, not ESME_ROK', $i, $mos[$i][1], $pdu->{status})
          if $pdu->{status} != ESME_ROK;
    } elsif ($cmd == Net::SMPP::CMD_enquire_link()) {
        $sock->enquire_link_resp(seq => $pdu->{seq});
        report(event => 'enquire_link', kind => $c->{kind});
    } elsif ($cmd == Net::SMPP::CMD_enquire_link_resp()) {
        if (defined $c->{enq_seq} && $pdu->{seq} == $c->{enq_seq}) {
            delete $c->{enq_seq};
            report(event => 'enquire_link_resp', kind => $c->{kind});
        } else {
            error("enquire_link_resp seq $pdu->{seq} answers no enquire_link");
        }
    } elsif ($cmd == Net::SMPP::CMD_unbind()) {
        $sock->unbind_resp(seq => $pdu->{seq});
        $c->{unbound} = 1;
        report(event => 'unbind', kind => $c->{kind});
        drop($c, 'unbound');
    } elsif ($cmd == Net::SMPP::CMD_generic_nack()) {
        error(sprintf 'generic_nack status 0x%08x seq %d from the ESME', $pdu->{status}, $pdu->{seq});
    } elsif ($cmd & 0x80000000) {
        error(sprintf 'unexpected resp 0x%08x seq %d', $cmd, $pdu->{seq});
    } else {
        error(sprintf 'unexpected command 0x%08x, generic_nack', $cmd);
        $sock->generic_nack(seq => $pdu->{seq}, status => ESME_RINVCMDID);
    }
}

while (1) {
    pump();
    check_done();
    if (defined $done_at) {
        # Done, and the ESME hung up every bind: the run is over.
        last if !%conns;
        my $d = $done_at + $opt{'unbind-wait'};
        $deadline = $d if $d < $deadline;
    }
    my $left = $deadline - time;
    if ($left <= 0) {
        $errors++;
        report(event => 'timeout', message => defined $done_at
            ? 'the ESME did not unbind'
            : sprintf('%d of %d MOs acked, %d replies', $acked, scalar @mos, $replies));
        last;
    }
    for my $fh ($sel->can_read($left)) {
        if ($fh == $listener) {
            my $sock = $listener->accept or next;
            my $c = { sock => $sock };
            $conns{fileno $sock} = $c;
            $sel->add($sock);
            next;
        }
        my $c = $conns{fileno $fh} or next;
        # read_pdu blocks until the whole PDU is in; undef at EOF or error
        # (Net::SMPP warns "premature eof" on stderr).
        my $pdu = $c->{sock}->read_pdu;
        if (!$pdu) {
            my $s = $c->{sock};
            drop($c, ${*$s}{smpperror} // 'read error');
            next;
        }
        on_pdu($c, $pdu);
    }
}

for my $kind (sort keys %ever_bound) {
    $errors++, report(event => 'error', message => "$kind bound $ever_bound{$kind} times")
      if $ever_bound{$kind} > 1;
}
exit($errors || !defined $done_at ? 1 : 0);
