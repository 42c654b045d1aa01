package io.fleet.director.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/**
 * ipvsadm's command line as picocli parses it: every command and option of ipvsadm 1.31 under its short and long
 * names, values kept as text so that {@link AdmCommand} can say which flag was wrong, plus Fleet's
 * {@code --fullnat}, {@code --node} and {@code --token-file}. Short options cluster as in ipvsadm ({@code -Ln}).
 */
@Command(name = "fleet adm", mixinStandardHelpOptions = false, sortOptions = false)
final class AdmOptions
{
    // -------------------------------------------------------------------------------------------- commands
    @Option(names = {"-A", "--add-service"}) boolean addService;
    @Option(names = {"-E", "--edit-service"}) boolean editService;
    @Option(names = {"-D", "--delete-service"}) boolean deleteService;
    @Option(names = {"-C", "--clear"}) boolean clear;
    @Option(names = {"-R", "--restore"}) boolean restore;
    @Option(names = {"-S", "--save"}) boolean save;
    @Option(names = {"-a", "--add-server"}) boolean addServer;
    @Option(names = {"-e", "--edit-server"}) boolean editServer;
    @Option(names = {"-d", "--delete-server"}) boolean deleteServer;
    @Option(names = {"-L", "--list"}) boolean listUpper;
    @Option(names = {"-l"}) boolean listLower;
    @Option(names = {"-Z", "--zero"}) boolean zero;
    @Option(names = "--set", arity = "3", paramLabel = "TIMEOUT") List<String> set;
    @Option(names = "--start-daemon", paramLabel = "STATE") String startDaemon;
    @Option(names = "--stop-daemon", paramLabel = "STATE") String stopDaemon;
    @Option(names = {"-h", "--help"}) boolean help;
    @Option(names = {"-v", "--version"}) boolean version;

    // -------------------------------------------------------------------------------------------- options
    @Option(names = {"-t", "--tcp-service"}, paramLabel = "SERVICE-ADDRESS") String tcpService;
    @Option(names = {"-u", "--udp-service"}, paramLabel = "SERVICE-ADDRESS") String udpService;
    @Option(names = {"-f", "--fwmark-service"}, paramLabel = "FWMARK") String fwmarkService;
    @Option(names = {"-6", "--ipv6"}) boolean ipv6;
    @Option(names = {"-s", "--scheduler"}, paramLabel = "SCHEDULER") String scheduler;
    @Option(names = {"-p", "--persistent"}, arity = "0..1", fallbackValue = "", paramLabel = "TIMEOUT") String persistent;
    @Option(names = {"-M", "--netmask"}, paramLabel = "NETMASK") String netmask;
    @Option(names = {"-b", "--sched-flags"}, paramLabel = "FLAGS") String schedFlags;
    @Option(names = {"-o", "--ops"}) boolean ops;
    @Option(names = {"-r", "--real-server"}, paramLabel = "SERVER-ADDRESS") String realServer;
    @Option(names = {"-g", "--gatewaying"}) boolean gatewaying;
    @Option(names = {"-i", "--ipip"}) boolean ipip;
    @Option(names = {"-m", "--masquerading"}) boolean masquerading;
    @Option(names = {"--fullnat"}) boolean fullnat;
    @Option(names = {"-w", "--weight"}, paramLabel = "WEIGHT") String weight;
    @Option(names = {"-x", "--u-threshold"}, paramLabel = "UTHRESHOLD") String upperThreshold;
    @Option(names = {"-y", "--l-threshold"}, paramLabel = "LTHRESHOLD") String lowerThreshold;
    @Option(names = "--mcast-interface", paramLabel = "INTERFACE") String mcastInterface;
    @Option(names = "--syncid", paramLabel = "SID") String syncid;
    @Option(names = {"-c", "--connection"}) boolean connection;
    @Option(names = "--timeout") boolean timeout;
    @Option(names = "--daemon") boolean daemon;
    @Option(names = "--stats") boolean stats;
    @Option(names = "--rate") boolean rate;
    @Option(names = "--thresholds") boolean thresholds;
    @Option(names = "--persistent-conn") boolean persistentConn;
    @Option(names = "--nosort") boolean nosort;
    @Option(names = "--sort") boolean sort;
    @Option(names = {"-X", "--exact"}) boolean exact;
    @Option(names = {"-n", "--numeric"}) boolean numeric;

    // -------------------------------------------------------------------------------------------- Fleet's
    @Option(names = "--node", paramLabel = "URL") String node;
    @Option(names = "--token-file", paramLabel = "FILE") String tokenFile;

    @Parameters(hidden = true) List<String> unexpected;
}
