// pulsco-layer-check — checks every #include of the product's code against
// the layer rules written in docs/architecture.md (its ```layers block), so
// the documented architecture and the enforced one cannot drift apart.
//
//   pulsco-layer-check RULES.md ROOT
//
// Prints one `file:line: rule` line per forbidden include and exits 1 when
// there is any; exits 0 on a clean tree and 2 when the rules cannot be read.
// Plain C++20 on purpose: it runs in `make test` before anything else is
// trusted, and must not depend on the layers it checks.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct Rule {
    std::string folder;                  // a top-level folder, e.g. "core"
    std::vector<std::string> folders;    // project folders it may include ("*" = any)
    bool qtAllowed = false;              // may include Qt headers
    std::vector<std::string> forbidden;  // angle includes refused even though not Qt
    std::string why;                     // the doc's reason, printed with a violation
    int line = 0;                        // where the rule stands in the doc
};

struct Rules {
    std::map<std::string, Rule> byFolder;
};

std::string trim(std::string s) {
    const auto notSpace = [](unsigned char c) { return !std::isspace(c); };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

// "core", "simulator/engine": lower-case words joined by single slashes.
bool isFolderName(const std::string& t) {
    return !t.empty() && t.front() != '/' && t.back() != '/' && t.find("//") == std::string::npos &&
           std::all_of(t.begin(), t.end(), [](unsigned char c) {
               return std::islower(c) || c == '_' || c == '-' || c == '/';
           });
}

// Reads the ```layers fenced block. Each line: FOLDER TOKEN... [-- why];
// a token is a folder name (nested ones as "simulator/engine"), `*`, `Qt`, or `!<header>`.
std::optional<Rules> readRules(const fs::path& doc, std::string& error) {
    std::ifstream in(doc);
    if (!in) {
        error = doc.string() + ": cannot be read";
        return std::nullopt;
    }
    Rules rules;
    bool inBlock = false;
    bool sawBlock = false;
    std::string text;
    for (int lineNo = 1; std::getline(in, text); ++lineNo) {
        const std::string line = trim(text);
        if (!inBlock) {
            if (line == "```layers") {
                inBlock = true;
                sawBlock = true;
            }
            continue;
        }
        if (line == "```")
            break;
        if (line.empty() || line.front() == '#')
            continue;
        Rule rule;
        rule.line = lineNo;
        std::string head = line;
        if (const auto dashes = line.find(" -- "); dashes != std::string::npos) {
            head = line.substr(0, dashes);
            rule.why = trim(line.substr(dashes + 4));
        }
        std::istringstream tokens(head);
        tokens >> rule.folder;
        for (std::string t; tokens >> t;) {
            if (t == "Qt")
                rule.qtAllowed = true;
            else if (t.size() > 3 && t[0] == '!' && t[1] == '<' && t.back() == '>')
                rule.forbidden.push_back(t.substr(2, t.size() - 3));
            else if (t == "*" || isFolderName(t))
                rule.folders.push_back(t);
            else {
                error = doc.string() + ":" + std::to_string(lineNo) + ": layers: unknown token '" +
                        t + "' (a folder, *, Qt or !<header>)";
                return std::nullopt;
            }
        }
        if (rule.why.empty()) {
            error = doc.string() + ":" + std::to_string(lineNo) + ": layers: rule for '" +
                    rule.folder + "' has no ' -- why'";
            return std::nullopt;
        }
        if (!rules.byFolder.emplace(rule.folder, rule).second) {
            error = doc.string() + ":" + std::to_string(lineNo) + ": layers: '" + rule.folder +
                    "' has two rules";
            return std::nullopt;
        }
    }
    if (!sawBlock || rules.byFolder.empty()) {
        error = doc.string() + ": no ```layers block with rules";
        return std::nullopt;
    }
    return rules;
}

bool isQtHeader(const std::string& header) {
    return header.size() > 1 && header[0] == 'Q' &&
           std::isalpha(static_cast<unsigned char>(header[1]));
}

// The layer a project path belongs to: the longest rule folder it lies in,
// so a nested folder with its own line ("simulator/engine") is its own layer
// inside its parent's. "" when no rule names it.
std::string layerOf(const std::string& path, const Rules& rules) {
    std::string best;
    for (const auto& [folder, rule] : rules.byFolder) {
        if (path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 &&
            path[folder.size()] == '/' && folder.size() > best.size())
            best = folder;
    }
    return best;
}

// The layer a quoted include lands in: resolved beside the including file
// first (as the compiler does), then from the project root (our include
// path). Generated headers (moc, ui_) resolve nowhere and are not edges.
std::string includedFolder(const fs::path& root, const fs::path& file, const std::string& header,
                           const Rules& rules) {
    const fs::path beside = file.parent_path() / header;
    if (fs::exists(beside))
        return layerOf(fs::relative(beside, root).lexically_normal().generic_string(), rules);
    return layerOf(header, rules);
}

bool allows(const Rule& rule, const std::string& folder) {
    return std::find(rule.folders.begin(), rule.folders.end(), "*") != rule.folders.end() ||
           std::find(rule.folders.begin(), rule.folders.end(), folder) != rule.folders.end();
}

int check(const Rules& rules, const fs::path& root) {
    int violations = 0;
    std::vector<fs::path> files;
    for (const auto& [folder, rule] : rules.byFolder) {
        const fs::path dir = root / folder;
        if (!fs::is_directory(dir)) {
            std::cout << folder << "/: the rules name this folder but " << root.string()
                      << " has none\n";
            ++violations;
            continue;
        }
        for (const auto& entry : fs::recursive_directory_iterator(dir)) {
            const auto ext = entry.path().extension();
            if (entry.is_regular_file() && (ext == ".h" || ext == ".cpp"))
                files.push_back(entry.path());
        }
    }
    // A nested layer's files are found from its parent's folder too.
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    for (const auto& file : files) {
        const std::string rel = fs::relative(file, root).generic_string();
        const Rule& rule = rules.byFolder.at(layerOf(rel, rules));
        std::ifstream in(file);
        std::string text;
        for (int lineNo = 1; std::getline(in, text); ++lineNo) {
            const std::string line = trim(text);
            if (line.rfind('#', 0) != 0)
                continue;
            const std::string directive = trim(line.substr(1));
            if (directive.rfind("include", 0) != 0)
                continue;
            const std::string arg = trim(directive.substr(7));
            if (arg.size() < 3)
                continue;
            const char close = arg[0] == '<' ? '>' : arg[0] == '"' ? '"' : '\0';
            const auto end = close ? arg.find(close, 1) : std::string::npos;
            if (end == std::string::npos)
                continue;
            const std::string header = arg.substr(1, end - 1);
            std::string refusal;
            if (close == '>') {
                if (isQtHeader(header) && !rule.qtAllowed)
                    refusal = "<" + header + "> (Qt)";
                else if (std::find(rule.forbidden.begin(), rule.forbidden.end(), header) !=
                         rule.forbidden.end())
                    refusal = "<" + header + ">";
            } else {
                const std::string folder = includedFolder(root, file, header, rules);
                if (!folder.empty() && !allows(rule, folder))
                    refusal = "\"" + header + "\" (" + folder + "/)";
            }
            if (!refusal.empty()) {
                std::cout << rel << ":" << lineNo << ": " << rule.folder << "/ may not include "
                          << refusal << ": " << rule.why << "\n";
                ++violations;
            }
        }
    }
    return violations;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: pulsco-layer-check RULES.md ROOT\n";
        return 2;
    }
    std::string error;
    const auto rules = readRules(argv[1], error);
    if (!rules) {
        std::cerr << "pulsco-layer-check: " << error << "\n";
        return 2;
    }
    const int violations = check(*rules, fs::path(argv[2]));
    if (violations > 0) {
        std::cout << violations << " include(s) break the layer rules of " << argv[1] << "\n";
        return 1;
    }
    std::cout << "layers: every include follows " << argv[1] << " (" << rules->byFolder.size()
              << " folders)\n";
    return 0;
}
