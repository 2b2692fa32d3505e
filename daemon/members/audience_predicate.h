#pragma once
// An audience expression as a per-member test, for walking the roster in slices
// (audience_walk.h) instead of one set operation over the whole roster: a postfix program
// over the expression's terms, run by the daemon on each page's memberships, and the set
// the walk scans (the "driver"), which must hold every member the expression can select.
// Pure: tested without Redis.
//
// Program tokens (one ARGV each): "t<k>" the member is in the k-th term's index (k from 1,
// in the order of terms(expr)); "*" true ("all"); "!" negates the top; "&<n>" and "|<n>"
// replace the top n values with their AND / OR.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "members/audience.h"

namespace tocsin::members {

std::vector<std::string> compile_predicate(const AudienceExpr& expr);

// Runs `program` for each of a page's `members`: `member_of[k - 1][i]` is 1 when member i is
// in the k-th term's index (SMISMEMBER's answer for the page), else 0. Returns the
// positions of the members selected, in order. An ill-formed program selects no one.
std::vector<size_t> select_members(const std::vector<std::string>& program,
                                   const std::vector<std::vector<int64_t>>& member_of,
                                   size_t members);

// The terms (indexes into terms(expr)) that every selected member must be in: the
// expression itself when it is a term, the term operands of a top-level AND. Any of them
// can drive the walk.
std::vector<size_t> conjunct_terms(const AudienceExpr& expr);

// The candidate (from conjunct_terms) with the smallest index, given each candidate's size
// in the same order; nullopt when there is none, and the walk scans members:all ("all", a
// top-level OR or NOT).
std::optional<size_t> choose_driver(const std::vector<size_t>& candidates,
                                    const std::vector<int64_t>& sizes);

}  // namespace tocsin::members
