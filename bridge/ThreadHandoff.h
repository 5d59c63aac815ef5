// Queued calls between threads, made visible to ThreadSanitizer.
//
// Debian's Qt is not built with TSan. A queued call crosses threads through
// the receiver thread's posted-event list, guarded by a QMutex inside
// uninstrumented libQt6Core, so TSan never sees that the call happens after
// the code that posted it. It then reports the call's own storage (the slot
// object and argument copies that Qt's templates build in *our* code) and
// the data the call carries (a snapshot the worker filled) as races, though
// the mutex orders them. These helpers restore that one edge, explicitly:
//
//   posting thread:   handoff::post(channel, [&] { emit/invokeMethod ...; });
//   receiving object: bool event(QEvent* e) override {
//                         handoff::receiveIfQueuedCall(channel, e); ... }
//   or, for a queued lambda: handoff::acquire(channel) as its first statement
//   (enough for the data it carries; post() already hides the lambda's own
//   construction).
//
// post() releases `channel` (everything written before it happens-before the
// receiver's acquire) and keeps TSan from recording the posting thread's
// writes while Qt builds the event: only Qt's invisible mutex orders those.
// Plain data races in our own code stay visible. Outside TSan builds every
// function here is empty and inlined away.
#pragma once

#include <QEvent>

#if defined(__SANITIZE_THREAD__)
#define PULSCO_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define PULSCO_TSAN 1
#endif
#endif

#ifdef PULSCO_TSAN
#include <sanitizer/tsan_interface.h>
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);
#endif

#include <utility>

namespace pulsco::handoff {

// Everything this thread wrote so far happens-before a later acquire().
inline void release([[maybe_unused]] const void* channel) {
#ifdef PULSCO_TSAN
    __tsan_release(const_cast<void*>(channel));
#endif
}

inline void acquire([[maybe_unused]] const void* channel) {
#ifdef PULSCO_TSAN
    __tsan_acquire(const_cast<void*>(channel));
#endif
}

// Posts a queued call (emit to a queued receiver, or invokeMethod with
// Qt::QueuedConnection) that the receiver picks up with receiveIfQueuedCall.
template <class Post>
void post(const void* channel, Post&& postIt) {
    release(channel);
#ifdef PULSCO_TSAN
    AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
#endif
    std::forward<Post>(postIt)();
#ifdef PULSCO_TSAN
    AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
#endif
}

// Call first thing in the receiver's event(): a QEvent::MetaCall is a queued
// call (slot object or signal arguments) about to run on this thread.
inline void receiveIfQueuedCall(const void* channel, const QEvent* event) {
    if (event->type() == QEvent::MetaCall)
        acquire(channel);
}

}  // namespace pulsco::handoff
