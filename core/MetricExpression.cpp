#include "core/MetricExpression.h"

#include "core/Color.h"
#include "core/MetricCatalog.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace pulsco {

std::string ExpressionError::describe() const {
    return "at " + std::to_string(position) + ": " + message;
}

// --- syntax tree ---------------------------------------------------------------

enum class Op { Add, Sub, Mul, Div, Lt, Le, Gt, Ge, Eq, Ne, And, Or, Neg, Not };
enum class Func { None, Percentile, Rate, Avg, Min, Max, Count, Sum };

struct MetricExpression::Node {
    enum class Kind { Number, Metric, Call, Unary, Binary } kind = Kind::Number;
    double number = 0;
    std::string scope;  // "", "blue", "green"
    std::string name;   // catalog name
    Func func = Func::None;
    double percentile = 0;  // 0..100 for p(N)
    Op op = Op::Add;
    std::shared_ptr<const Node> lhs, rhs;
};

namespace {

using Node = MetricExpression::Node;
using NodePtr = std::shared_ptr<const Node>;

struct Token {
    enum class Kind { End, Number, Ident, LParen, RParen, Op } kind = Kind::End;
    std::size_t pos = 0;
    std::string text;
    double number = 0;
};

bool isIdentStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool isIdentChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// Both limits keep recursion bounded: the parser recurses once per '(' or
// prefix operator, and evaluation and destruction recurse once per tree level,
// which is at most one per token. Real gates use a few dozen tokens.
constexpr int kMaxNesting = 64;
constexpr int kMaxTokens = 1000;

class Parser {
public:
    explicit Parser(const std::string& text)
        : m_text(text) {}

    NodePtr parse(ExpressionError* error) {
        advance();
        NodePtr root = parseOr();
        if (root && m_tok.kind != Token::Kind::End)
            fail(m_tok.pos, "unexpected '" + m_tok.text + "' after a complete expression");
        if (!m_error.message.empty()) {
            if (error)
                *error = m_error;
            return nullptr;
        }
        return root;
    }

private:
    // Records the first error; parsing functions return null from then on.
    NodePtr fail(std::size_t pos, std::string message) {
        if (m_error.message.empty())
            m_error = {pos, std::move(message)};
        return nullptr;
    }

    // One level of '(' or prefix operator; false (with the error recorded)
    // once the expression nests deeper than kMaxNesting.
    class Nesting {
    public:
        Nesting(Parser& parser, std::size_t pos)
            : m_parser(parser) {
            if (++m_parser.m_nesting > kMaxNesting)
                m_parser.fail(pos,
                              "nested more than " + std::to_string(kMaxNesting) + " levels deep");
        }
        ~Nesting() { --m_parser.m_nesting; }
        Nesting(const Nesting&) = delete;
        Nesting& operator=(const Nesting&) = delete;
        bool ok() const { return m_parser.m_nesting <= kMaxNesting; }

    private:
        Parser& m_parser;
    };

    void advance() {
        if (!m_error.message.empty()) {
            // Stop reading once refused: the callers unwind on the error alone.
            m_tok = Token{};
            m_tok.pos = m_error.position;
            return;
        }
        while (m_pos < m_text.size() && std::isspace(static_cast<unsigned char>(m_text[m_pos])))
            ++m_pos;
        m_tok = Token{};
        m_tok.pos = m_pos;
        if (m_pos >= m_text.size())
            return;
        if (++m_tokens > kMaxTokens) {
            fail(m_pos, "longer than " + std::to_string(kMaxTokens) +
                            " tokens; split it into several gates or rules");
            m_tok.pos = m_pos;
            return;
        }
        const char c = m_text[m_pos];
        if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
            lexNumber();
        } else if (isIdentStart(c)) {
            std::size_t end = m_pos;
            while (end < m_text.size() && isIdentChar(m_text[end]))
                ++end;
            m_tok.kind = Token::Kind::Ident;
            m_tok.text = m_text.substr(m_pos, end - m_pos);
            m_pos = end;
        } else if (c == '(' || c == ')') {
            m_tok.kind = c == '(' ? Token::Kind::LParen : Token::Kind::RParen;
            m_tok.text = std::string(1, c);
            ++m_pos;
        } else {
            static const char* const ops[] = {"<=", ">=", "==", "!=", "&&", "||", "<",
                                              ">",  "+",  "-",  "*",  "/",  "!"};
            for (const char* op : ops) {
                const std::string_view v(op);
                if (m_text.compare(m_pos, v.size(), v) == 0) {
                    m_tok.kind = Token::Kind::Op;
                    m_tok.text = std::string(v);
                    m_pos += v.size();
                    return;
                }
            }
            m_tok.kind = Token::Kind::Op;  // reported by the caller as unexpected
            m_tok.text = std::string(1, c);
            fail(m_pos, std::string("unexpected character '") + c + "'");
            ++m_pos;
        }
    }

    void lexNumber() {
        std::size_t end = m_pos;
        while (end < m_text.size() &&
               (std::isdigit(static_cast<unsigned char>(m_text[end])) || m_text[end] == '.'))
            ++end;
        if (end < m_text.size() && (m_text[end] == 'e' || m_text[end] == 'E')) {
            std::size_t exp = end + 1;
            if (exp < m_text.size() && (m_text[exp] == '+' || m_text[exp] == '-'))
                ++exp;
            if (exp < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[exp]))) {
                end = exp;
                while (end < m_text.size() && std::isdigit(static_cast<unsigned char>(m_text[end])))
                    ++end;
            }
        }
        double value = 0;
        const auto [ptr, ec] = std::from_chars(m_text.data() + m_pos, m_text.data() + end, value);
        if (ec != std::errc() || ptr != m_text.data() + end) {
            fail(m_pos, "malformed number '" + m_text.substr(m_pos, end - m_pos) + "'");
            value = 0;
        }
        m_tok.kind = Token::Kind::Number;
        m_tok.text = m_text.substr(m_pos, end - m_pos);
        m_pos = end;
        if (m_pos < m_text.size() && m_text[m_pos] == '%') {
            value /= 100.0;
            m_tok.text += '%';
            ++m_pos;
        }
        m_tok.number = value;
    }

    bool isOp(std::string_view op) const {
        return m_tok.kind == Token::Kind::Op && m_tok.text == op;
    }
    bool isWord(std::string_view word) const {
        return m_tok.kind == Token::Kind::Ident && m_tok.text == word;
    }

    static NodePtr binary(Op op, NodePtr lhs, NodePtr rhs) {
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::Binary;
        n->op = op;
        n->lhs = std::move(lhs);
        n->rhs = std::move(rhs);
        return n;
    }

    NodePtr parseOr() {
        NodePtr lhs = parseAnd();
        while (lhs && (isWord("or") || isOp("||"))) {
            advance();
            NodePtr rhs = parseAnd();
            lhs = rhs ? binary(Op::Or, lhs, rhs) : nullptr;
        }
        return lhs;
    }

    NodePtr parseAnd() {
        NodePtr lhs = parseNot();
        while (lhs && (isWord("and") || isOp("&&"))) {
            advance();
            NodePtr rhs = parseNot();
            lhs = rhs ? binary(Op::And, lhs, rhs) : nullptr;
        }
        return lhs;
    }

    NodePtr parseNot() {
        if (isWord("not") || isOp("!")) {
            const Nesting level(*this, m_tok.pos);
            if (!level.ok())
                return nullptr;
            advance();
            NodePtr operand = parseNot();
            if (!operand)
                return nullptr;
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::Unary;
            n->op = Op::Not;
            n->lhs = operand;
            return n;
        }
        return parseComparison();
    }

    std::optional<Op> comparisonOp() const {
        if (m_tok.kind != Token::Kind::Op)
            return std::nullopt;
        if (m_tok.text == "<")
            return Op::Lt;
        if (m_tok.text == "<=")
            return Op::Le;
        if (m_tok.text == ">")
            return Op::Gt;
        if (m_tok.text == ">=")
            return Op::Ge;
        if (m_tok.text == "==")
            return Op::Eq;
        if (m_tok.text == "!=")
            return Op::Ne;
        return std::nullopt;
    }

    NodePtr parseComparison() {
        NodePtr lhs = parseSum();
        if (!lhs)
            return nullptr;
        if (const auto op = comparisonOp()) {
            advance();
            NodePtr rhs = parseSum();
            if (!rhs)
                return nullptr;
            if (comparisonOp())
                return fail(m_tok.pos, "comparisons do not chain; join them with 'and'");
            return binary(*op, lhs, rhs);
        }
        return lhs;
    }

    NodePtr parseSum() {
        NodePtr lhs = parseProduct();
        while (lhs && (isOp("+") || isOp("-"))) {
            const Op op = m_tok.text == "+" ? Op::Add : Op::Sub;
            advance();
            NodePtr rhs = parseProduct();
            lhs = rhs ? binary(op, lhs, rhs) : nullptr;
        }
        return lhs;
    }

    NodePtr parseProduct() {
        NodePtr lhs = parseUnary();
        while (lhs && (isOp("*") || isOp("/"))) {
            const Op op = m_tok.text == "*" ? Op::Mul : Op::Div;
            advance();
            NodePtr rhs = parseUnary();
            lhs = rhs ? binary(op, lhs, rhs) : nullptr;
        }
        return lhs;
    }

    NodePtr parseUnary() {
        if (isOp("-")) {
            const Nesting level(*this, m_tok.pos);
            if (!level.ok())
                return nullptr;
            advance();
            NodePtr operand = parseUnary();
            if (!operand)
                return nullptr;
            auto n = std::make_shared<Node>();
            n->kind = Node::Kind::Unary;
            n->op = Op::Neg;
            n->lhs = operand;
            return n;
        }
        return parsePrimary();
    }

    bool expect(Token::Kind kind, const char* what) {
        if (m_tok.kind != kind) {
            fail(m_tok.pos, std::string("expected ") + what +
                                (m_tok.kind == Token::Kind::End ? " at the end"
                                                                : " before '" + m_tok.text + "'"));
            return false;
        }
        advance();
        return true;
    }

    NodePtr parsePrimary() {
        if (!m_error.message.empty())
            return nullptr;
        if (m_tok.kind == Token::Kind::Number) {
            auto n = std::make_shared<Node>();
            n->number = m_tok.number;
            advance();
            return n;
        }
        if (m_tok.kind == Token::Kind::LParen) {
            const Nesting level(*this, m_tok.pos);
            if (!level.ok())
                return nullptr;
            advance();
            NodePtr inner = parseOr();
            if (!inner || !expect(Token::Kind::RParen, "')'"))
                return nullptr;
            return inner;
        }
        if (m_tok.kind == Token::Kind::Ident)
            return parseName();
        if (m_tok.kind == Token::Kind::End)
            return fail(m_tok.pos, "expected a number, a metric or '(' at the end");
        return fail(m_tok.pos, "expected a number, a metric or '(' before '" + m_tok.text + "'");
    }

    static Func functionNamed(std::string_view name) {
        if (name == "p")
            return Func::Percentile;
        if (name == "rate")
            return Func::Rate;
        if (name == "avg")
            return Func::Avg;
        if (name == "min")
            return Func::Min;
        if (name == "max")
            return Func::Max;
        if (name == "count")
            return Func::Count;
        if (name == "sum")
            return Func::Sum;
        return Func::None;
    }

    NodePtr parseName() {
        const Token name = m_tok;
        advance();
        if (name.text == "ok" || name.text == "true" || name.text == "fail" ||
            name.text == "false") {
            auto n = std::make_shared<Node>();
            n->number = (name.text == "ok" || name.text == "true") ? 1.0 : 0.0;
            return n;
        }
        const Func func = functionNamed(name.text);
        if (func != Func::None && m_tok.kind == Token::Kind::LParen)
            return parseCall(name, func);
        return metricRef(name, Func::None);
    }

    NodePtr parseCall(const Token& name, Func func) {
        advance();  // '('
        auto n = std::make_shared<Node>();
        if (func == Func::Percentile) {
            if (m_tok.kind != Token::Kind::Number)
                return fail(m_tok.pos, "p(N) takes a percentile from 0 to 100, e.g. p(95)");
            if (m_tok.number < 0 || m_tok.number > 100 || m_tok.text.back() == '%')
                return fail(m_tok.pos, "percentile must be from 0 to 100 (got " + m_tok.text + ")");
            n->percentile = m_tok.number;
            advance();
            if (!expect(Token::Kind::RParen, "')' after the percentile") ||
                !expect(Token::Kind::LParen, "'(' and a histogram metric after p(N), e.g. "
                                             "p(95)(api_latency_ms)"))
                return nullptr;
        }
        if (m_tok.kind != Token::Kind::Ident)
            return fail(m_tok.pos, name.text + "() takes a metric name");
        const Token metric = m_tok;
        advance();
        NodePtr ref = metricRef(metric, func);
        if (!ref || !expect(Token::Kind::RParen, "')'"))
            return nullptr;
        auto call = std::make_shared<Node>(*ref);
        call->kind = Node::Kind::Call;
        call->func = func;
        call->percentile = n->percentile;
        return call;
    }

    NodePtr metricRef(const Token& tok, Func func) {
        const ScopedName scoped = splitScope(tok.text);
        const std::string scope(scopeName(scoped.color));
        const std::string name(scoped.name);
        if (const auto dot = name.find('.'); dot != std::string::npos)
            return fail(tok.pos,
                        "unknown scope '" + name.substr(0, dot) + "' (use blue. or green.)");
        const MetricInfo* info = MetricCatalog::find(name);
        if (!info)
            return fail(tok.pos, "unknown metric '" + name + "' (see docs/expressions.md)");
        const bool histogram = info->shape == MetricShape::Histogram;
        switch (func) {
        case Func::None:
            if (histogram)
                return fail(tok.pos, "'" + name + "' is a histogram: use p(95)(" + name +
                                         "), avg(" + name + ") or max(" + name + ")");
            break;
        case Func::Percentile:
        case Func::Avg:
        case Func::Count:
        case Func::Sum:
            if (!histogram)
                return fail(tok.pos, "'" + name + "' is not a histogram");
            break;
        case Func::Rate:
            if (!MetricCatalog::hasRate(name))
                return fail(tok.pos, "rate() takes " + MetricCatalog::rateNames());
            break;
        case Func::Min:
        case Func::Max:
            break;
        }
        if (!scope.empty() && !info->perColor)
            return fail(tok.pos, "'" + name + "' has no blue/green scope");
        auto n = std::make_shared<Node>();
        n->kind = Node::Kind::Metric;
        n->scope = scope;
        n->name = name;
        return n;
    }

    const std::string& m_text;
    std::size_t m_pos = 0;
    int m_nesting = 0;
    int m_tokens = 0;
    Token m_tok;
    ExpressionError m_error;
};

// --- evaluation ------------------------------------------------------------------

ExpressionValue number(double v) {
    ExpressionValue r;
    r.hasValue = true;
    r.value = v;
    return r;
}

ExpressionValue noData(std::string why) {
    ExpressionValue r;
    r.noDataReason = std::move(why);
    return r;
}

std::string qualified(const Node& n) {
    return n.scope.empty() ? n.name : n.scope + "." + n.name;
}

ExpressionValue evaluateNode(const Node& n, const MetricsSnapshot& s, double window) {
    switch (n.kind) {
    case Node::Kind::Number:
        return number(n.number);
    case Node::Kind::Metric: {
        const auto v = MetricCatalog::value(s, n.scope, n.name, window);
        if (!v && (n.name == "uptime" || n.name == "uptime_history_s"))
            return noData("no availability history");
        if (!v && (n.name == "migration_round_trips" || n.name == "verified_backups" ||
                   n.name == "restore_drills"))
            return noData("no store maintenance report (a pulsco-matchd server's store has one)");
        return v ? number(*v) : noData("no data for " + qualified(n));
    }
    case Node::Kind::Call: {
        if (n.func == Func::Rate) {
            const auto v = MetricCatalog::rate(s, n.scope, n.name);
            return v ? number(*v) : noData("no traffic for rate(" + qualified(n) + ")");
        }
        if (const Histogram* h = MetricCatalog::histogram(s, n.scope, n.name)) {
            if (n.func == Func::Count)
                return number(static_cast<double>(h->count()));
            if (h->count() == 0)
                return noData("no observations in " + qualified(n));
            switch (n.func) {
            case Func::Percentile:
                return number(h->quantile(n.percentile / 100.0));
            case Func::Avg:
                return number(h->mean());
            case Func::Min:
                return number(h->min());
            case Func::Max:
                return number(h->max());
            case Func::Sum:
                return number(h->sum());
            default:
                break;
            }
            return noData("unsupported function");
        }
        if (n.func == Func::Max && n.name == "concurrent_players")
            return number(static_cast<double>(s.concurrentPlayersPeak));
        const auto v = MetricCatalog::value(s, n.scope, n.name, window);
        return v ? number(*v) : noData("no data for " + qualified(n));
    }
    case Node::Kind::Unary: {
        const ExpressionValue v = evaluateNode(*n.lhs, s, window);
        if (!v.hasValue)
            return v;
        return number(n.op == Op::Neg ? -v.value : (v.value == 0 ? 1.0 : 0.0));
    }
    case Node::Kind::Binary:
        break;
    }
    const ExpressionValue a = evaluateNode(*n.lhs, s, window);
    if (n.op == Op::And && a.hasValue && a.value == 0)
        return number(0);
    if (n.op == Op::Or && a.truthy())
        return number(1);
    const ExpressionValue b = evaluateNode(*n.rhs, s, window);
    if (n.op == Op::And && b.hasValue && b.value == 0)
        return number(0);
    if (n.op == Op::Or && b.truthy())
        return number(1);
    if (!a.hasValue)
        return a;
    if (!b.hasValue)
        return b;
    switch (n.op) {
    case Op::Add:
        return number(a.value + b.value);
    case Op::Sub:
        return number(a.value - b.value);
    case Op::Mul:
        return number(a.value * b.value);
    case Op::Div:
        return b.value == 0 ? noData("division by zero") : number(a.value / b.value);
    case Op::Lt:
        return number(a.value < b.value);
    case Op::Le:
        return number(a.value <= b.value);
    case Op::Gt:
        return number(a.value > b.value);
    case Op::Ge:
        return number(a.value >= b.value);
    case Op::Eq:
        return number(a.value == b.value);
    case Op::Ne:
        return number(a.value != b.value);
    case Op::And:
        return number(a.truthy() && b.truthy());
    case Op::Or:
        return number(a.truthy() || b.truthy());
    case Op::Neg:
    case Op::Not:
        break;
    }
    return noData("unsupported operator");
}

void collectMetrics(const Node& n, std::vector<std::string>& out) {
    if (n.kind == Node::Kind::Metric || n.kind == Node::Kind::Call) {
        const std::string name = qualified(n);
        if (std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(name);
    }
    if (n.lhs)
        collectMetrics(*n.lhs, out);
    if (n.rhs)
        collectMetrics(*n.rhs, out);
}

}  // namespace

std::optional<MetricExpression> MetricExpression::parse(const std::string& text,
                                                        ExpressionError* error) {
    Parser parser(text);
    NodePtr root = parser.parse(error);
    if (!root)
        return std::nullopt;
    MetricExpression e;
    e.m_text = text;
    e.m_root = std::move(root);
    return e;
}

ExpressionValue MetricExpression::evaluate(const MetricsSnapshot& snapshot,
                                           double availabilityWindowSeconds) const {
    return evaluateNode(*m_root, snapshot, availabilityWindowSeconds);
}

bool MetricExpression::isComparison() const {
    if (m_root->kind == Node::Kind::Unary)
        return m_root->op == Op::Not;
    if (m_root->kind != Node::Kind::Binary)
        return false;
    switch (m_root->op) {
    case Op::Lt:
    case Op::Le:
    case Op::Gt:
    case Op::Ge:
    case Op::Eq:
    case Op::Ne:
    case Op::And:
    case Op::Or:
        return true;
    default:
        return false;
    }
}

std::vector<std::string> MetricExpression::metrics() const {
    std::vector<std::string> out;
    collectMetrics(*m_root, out);
    return out;
}

MetricExpression::MetricExpression(MetricExpression&&) noexcept = default;
MetricExpression& MetricExpression::operator=(MetricExpression&&) noexcept = default;
MetricExpression::MetricExpression(const MetricExpression&) = default;
MetricExpression& MetricExpression::operator=(const MetricExpression&) = default;
MetricExpression::~MetricExpression() = default;

}  // namespace pulsco
