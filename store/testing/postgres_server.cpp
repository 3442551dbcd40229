#include "store/testing/postgres_server.hpp"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>
#include <vector>

namespace testsupport {

namespace fs = std::filesystem;
using ocpp::make_error;

namespace {

// The newest installed server's bin directory (Debian: /usr/lib/postgresql/VERSION/bin), or "".
std::string find_bin_dir() {
    if (const char* env = std::getenv("OCPPKIT_PG_BIN"); env && *env) {
        return env;
    }
    std::string best;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
        const auto bin = entry.path() / "bin";
        if (fs::exists(bin / "initdb") && fs::exists(bin / "postgres") && bin.string() > best) {
            best = bin.string();
        }
    }
    return best;
}

// The user the server runs as: ourselves, or "postgres" (else "nobody") when we are root.
struct RunAs {
    bool switch_user = false;
    uid_t uid = 0;
    gid_t gid = 0;
};

ocpp::Result<RunAs> run_as() {
    if (::geteuid() != 0) {
        return RunAs{};
    }
    for (const char* name : {"postgres", "nobody"}) {
        if (const passwd* pw = ::getpwnam(name)) {
            return RunAs{true, pw->pw_uid, pw->pw_gid};
        }
    }
    return make_error("running as root, and there is neither a \"postgres\" nor a \"nobody\" user to run "
                      "PostgreSQL as (it refuses root)");
}

// Starts argv as `who`, stdout and stderr appended to `log`. Returns the child's PID.
pid_t spawn(const RunAs& who, const std::vector<std::string>& args, const std::string& log) {
    std::vector<char*> argv;
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        ::setpgid(0, 0); // a terminal's Ctrl-C reaches the test, which stops the server by PID
        if (who.switch_user && (::setgid(who.gid) != 0 || ::setuid(who.uid) != 0)) {
            ::_exit(126);
        }
        // A test killed before it could stop the server (a timeout, SIGKILL) takes the server with it: fast
        // shutdown when the parent goes. Set after setuid, which clears it.
        ::prctl(PR_SET_PDEATHSIG, SIGINT);
        if (::chdir("/") != 0) {
            ::_exit(126);
        }
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

// Waits up to `limit` for the child; its exit status, or -1 on timeout (the child is then killed).
int wait_exit(pid_t pid, std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        if (r < 0) {
            return -2;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return -1;
}

ocpp::Result<void> run(const RunAs& who, const std::vector<std::string>& args, const std::string& log,
                       std::chrono::seconds limit) {
    const int rc = wait_exit(spawn(who, args, log), limit);
    if (rc != 0) {
        std::ifstream in(log);
        std::stringstream text;
        text << in.rdbuf();
        return make_error(args[0] + " failed (" + (rc == -1 ? "timed out" : "exit " + std::to_string(rc)) +
                          "): " + text.str());
    }
    return {};
}

std::string make_dir(const RunAs& who, const std::string& pattern) {
    std::string templ = pattern;
    if (!::mkdtemp(templ.data())) {
        return "";
    }
    if (who.switch_user && ::chown(templ.c_str(), who.uid, who.gid) != 0) {
        return "";
    }
    return templ;
}

// Memory-backed /dev/shm when it has room (copying and starting a server there takes a fraction of the time on a
// busy disk; a container's default 64 MiB holds only two servers of about 25 MiB), else /tmp.
std::string scratch_root() {
    std::error_code ec;
    const auto space = fs::space("/dev/shm", ec);
    return !ec && ::access("/dev/shm", W_OK) == 0 && space.available >= 512ull * 1024 * 1024 ? "/dev/shm" : "/tmp";
}

// A port below the kernel's ephemeral range (32768 and up), from a range of its own: a port taken with bind(0) can
// be handed out again to a test running beside this one, or become another test's client source port, and a second
// server would then find the first one's port taken (or a client would reach the other test's server).
int free_port() {
    static std::mt19937 pick(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const int port = 12000 + static_cast<int>(pick() % 8000);
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(static_cast<std::uint16_t>(port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
        ::close(fd);
        if (ok) {
            return port;
        }
    }
    return 0;
}

// The initialised data directory later servers copy; made once per bin directory and user.
ocpp::Result<std::string> template_dir(const RunAs& who, const std::string& bin) {
    std::string version = fs::path(bin).parent_path().filename().string();
    const std::string path = scratch_root() + "/ocppkit-pg-template-" + version + "-" + std::to_string(who.uid);
    if (fs::exists(path + "/data/PG_VERSION")) {
        return path;
    }
    const std::string work = make_dir(who, scratch_root() + "/ocppkit-pg-init-XXXXXX");
    if (work.empty()) {
        return make_error("cannot create a directory under " + scratch_root() + " for PostgreSQL");
    }
    auto made = run(who,
                    {bin + "/initdb", "-D", work + "/data", "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
                     "--locale=C"},
                    work + "/initdb.log", std::chrono::seconds(120));
    if (!made) {
        fs::remove_all(work);
        return made.error();
    }
    std::error_code ec;
    fs::rename(work, path, ec); // another test may have won the race: then use theirs
    if (ec) {
        fs::remove_all(work);
    }
    return path;
}

} // namespace

bool PostgresServer::installed() {
    return !find_bin_dir().empty();
}

ocpp::Result<void> PostgresServer::start() {
    const std::string bin = find_bin_dir();
    if (bin.empty()) {
        return make_error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): run scripts/setup.sh, "
                          "which installs the postgresql package, or set OCPPKIT_PG_BIN to its bin directory");
    }
    auto who = run_as();
    if (!who) {
        return who.error();
    }
    auto templ = template_dir(*who, bin);
    if (!templ) {
        return templ.error();
    }
    dir_ = make_dir(*who, scratch_root() + "/ocppkit-pg-XXXXXX");
    if (dir_.empty()) {
        return make_error("cannot create a directory under " + scratch_root() + " for PostgreSQL");
    }
    if (auto copied = run(*who, {"/bin/cp", "-a", *templ + "/data", dir_ + "/data"}, dir_ + "/copy.log",
                          std::chrono::seconds(60));
        !copied) {
        return copied.error();
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
        port_ = free_port();
        pid_ = spawn(*who,
                     {bin + "/postgres", "-D", dir_ + "/data", "-p", std::to_string(port_), "-k", dir_, "-c",
                      "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off", "-c",
                      "shared_buffers=16MB", "-c", "max_connections=60", "-c", "dynamic_shared_memory_type=mmap"},
                     dir_ + "/server.log");
        const std::string info = "host=127.0.0.1 port=" + std::to_string(port_) +
                                 " user=postgres dbname=postgres "
                                 "connect_timeout=2";
        for (int i = 0; i < 300; ++i) { // up to 30 s
            if (PQping(info.c_str()) == PQPING_OK) {
                return {};
            }
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break; // it exited: the port was taken after all, or worse; the log says
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        stop();
    }
    std::ifstream in(dir_ + "/server.log");
    std::stringstream text;
    text << in.rdbuf();
    return make_error("PostgreSQL did not start: " + text.str());
}

void PostgresServer::stop() {
    if (pid_ > 0) {
        ::kill(pid_, SIGINT); // fast shutdown
        if (wait_exit(pid_, std::chrono::seconds(10)) == -2) {
            ::kill(pid_, SIGKILL);
        }
        pid_ = -1;
    }
}

PostgresServer::~PostgresServer() {
    stop();
    if (!dir_.empty()) {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
}

std::string PostgresServer::url(std::string_view database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + std::string(database);
}

ocpp::Result<std::string> PostgresServer::create_database(std::string_view name) {
    PGconn* conn = PQconnectdb(url("postgres").c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string why = PQerrorMessage(conn);
        PQfinish(conn);
        return make_error("cannot connect to the test PostgreSQL: " + why);
    }
    const std::string sql = "CREATE DATABASE \"" + std::string(name) + "\"";
    PGresult* r = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string why = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(conn);
    if (!ok) {
        return make_error("CREATE DATABASE " + std::string(name) + ": " + why);
    }
    return url(name);
}

} // namespace testsupport
