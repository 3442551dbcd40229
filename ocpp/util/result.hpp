#pragma once
// Result<T>: a value or an Error with a reason, for failures caused by the world outside the program.
#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace ocpp {

// What kind of failure an Error is, for code that must tell failures apart: code switches on the kind and never
// matches the message, which is for people. A new kind comes with the caller that needs it.
enum class ErrorKind {
    Other,    // nothing more specific is known or needed
    NotFound, // what was asked for does not exist (an API answers 404)
    Invalid,  // the input (a value, a file's content, a URL) is not acceptable; trying again will not help
    Io,       // the network, a file or the database failed; trying again later may help
};

struct Error {
    std::string message;               // for people: logs, reports, API answers
    ErrorKind kind = ErrorKind::Other; // for code
};

template <class T> class [[nodiscard]] Result {
public:
    Result(T value)
        : data_(std::move(value)) {}
    Result(Error error)
        : data_(std::move(error)) {}

    bool ok() const { return data_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() & { return std::get<0>(data_); }
    const T& value() const& { return std::get<0>(data_); }
    T&& value() && { return std::get<0>(std::move(data_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    const Error& error() const { return std::get<1>(data_); }

private:
    std::variant<T, Error> data_;
};

template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : error_(std::move(error))
        , ok_(false) {}
    bool ok() const { return ok_; }
    explicit operator bool() const { return ok_; }
    const Error& error() const { return error_; }

private:
    Error error_;
    bool ok_ = true;
};

inline Error make_error(std::string message) {
    return Error{std::move(message)};
}

inline Error make_error(ErrorKind kind, std::string message) {
    return Error{std::move(message), kind};
}

} // namespace ocpp
