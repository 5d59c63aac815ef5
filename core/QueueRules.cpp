#include "core/QueueRules.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

namespace pulsco {

WaitWindowSchedule::WaitWindowSchedule(std::vector<WaitStep> steps)
    : m_steps(std::move(steps)) {}

double WaitWindowSchedule::valueAt(double waitSeconds) const {
    // Steps are few (a handful), so a linear walk beats a binary search.
    double value = m_steps.empty() ? 0.0 : m_steps.front().value;
    for (const WaitStep& step : m_steps) {
        if (step.afterSeconds > waitSeconds)
            break;
        value = step.value;
    }
    return value;
}

bool QueueRules::allowsPartySize(int size) const {
    return std::find(partySizes.begin(), partySizes.end(), size) != partySizes.end();
}

int QueueConfig::regionIndex(const std::string& region) const {
    const auto it = std::find(regions.begin(), regions.end(), region);
    return it == regions.end() ? -1 : int(it - regions.begin());
}

int QueueConfig::queueIndex(const std::string& queue) const {
    for (std::size_t i = 0; i < queues.size(); ++i) {
        if (queues[i].name == queue)
            return int(i);
    }
    return -1;
}

namespace {

// Bounds that keep team balancing and ping bookkeeping small and exact.
constexpr int kMaxTeamCount = 16;
constexpr int kMaxPlayersPerMatch = 100;
constexpr int kMaxRegions = 64;

std::string index(const std::string& path, std::size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

std::string validateSchedule(const WaitWindowSchedule& schedule, const std::string& path) {
    const auto& steps = schedule.steps();
    if (steps.empty())
        return path + ": must have at least one step";
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const std::string at = index(path, i);
        const WaitStep& step = steps[i];
        if (!std::isfinite(step.afterSeconds) || step.afterSeconds < 0)
            return at + ".after_s: must be a finite number >= 0";
        if (i == 0 && step.afterSeconds != 0)
            return at + ".after_s: the first step must start at 0";
        if (i > 0 && step.afterSeconds <= steps[i - 1].afterSeconds)
            return at + ".after_s: must be greater than the previous step's after_s";
        if (!std::isfinite(step.value) || step.value <= 0)
            return at + ".value: must be a finite number > 0";
        if (i > 0 && step.value < steps[i - 1].value)
            return at + ".value: must not be smaller than the previous step's value";
    }
    return {};
}

std::string validateQueue(const QueueRules& queue, const std::string& path) {
    if (queue.name.empty())
        return path + ".name: must be a non-empty name";
    if (queue.teamCount < 2 || queue.teamCount > kMaxTeamCount)
        return path + ".team_count: must be an integer from 2 to " + std::to_string(kMaxTeamCount);
    if (queue.teamSize < 1)
        return path + ".team_size: must be >= 1";
    if (queue.teamSize > kMaxPlayersPerMatch / queue.teamCount)
        return path + ".team_size: team_count x team_size must be at most " +
               std::to_string(kMaxPlayersPerMatch);
    if (queue.partySizes.empty())
        return path + ".party_sizes: must list at least one party size";
    std::set<int> seen;
    for (std::size_t i = 0; i < queue.partySizes.size(); ++i) {
        const int size = queue.partySizes[i];
        if (size < 1 || size > queue.teamSize)
            return index(path + ".party_sizes", i) + ": must be from 1 to team_size (" +
                   std::to_string(queue.teamSize) + ")";
        if (!seen.insert(size).second)
            return index(path + ".party_sizes", i) + ": duplicate party size " +
                   std::to_string(size);
    }
    if (auto error = validateSchedule(queue.skillWindow, path + ".skill_window"); !error.empty())
        return error;
    if (auto error = validateSchedule(queue.pingLimitMs, path + ".ping_limit_ms"); !error.empty())
        return error;
    if (!std::isfinite(queue.maxWaitSeconds) || queue.maxWaitSeconds <= 0)
        return path + ".max_wait_s: must be a finite number > 0";
    return {};
}

}  // namespace

std::string validate(const QueueConfig& config) {
    if (config.regions.empty())
        return "regions: must list at least one region";
    if (config.regions.size() > std::size_t(kMaxRegions))
        return "regions: at most " + std::to_string(kMaxRegions) + " regions";
    std::set<std::string> regions;
    for (std::size_t i = 0; i < config.regions.size(); ++i) {
        if (config.regions[i].empty())
            return index("regions", i) + ": must be a non-empty name";
        if (!regions.insert(config.regions[i]).second)
            return index("regions", i) + ": duplicate region \"" + config.regions[i] + "\"";
    }
    if (config.queues.empty())
        return "queues: must list at least one queue";
    std::set<std::string> names;
    for (std::size_t i = 0; i < config.queues.size(); ++i) {
        const std::string path = index("queues", i);
        if (auto error = validateQueue(config.queues[i], path); !error.empty())
            return error;
        if (!names.insert(config.queues[i].name).second)
            return path + ".name: duplicate queue name \"" + config.queues[i].name + "\"";
    }
    return {};
}

}  // namespace pulsco
