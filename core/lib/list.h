// Intrusive doubly linked lists (STYLE.md: linking never allocates).
//
// An element carries its link by deriving from ListLink<Tag>; an element can
// sit on one list per Tag at a time (derive from several ListLink<TagN> to be
// on several lists). Going from the link back to the element is a plain
// derived-to-base static_cast, so there is no offsetof trickery.
//
//   struct Thread : ListLink<RunQueueTag> { ... };
//   List<Thread, RunQueueTag> runnable;
//
// The list is circular around a sentinel that lives in the List object, so a
// List must not be copied or moved. All-zero is a valid empty list (the
// sentinel is pointed at itself on first insertion): a global List needs no
// constructor to run and sits in .bss. (A constexpr constructor taking
// `this` would do too, but GCC 12 silently zero-initializes constinit arrays
// of such objects.) It does no locking: whoever owns the list says which lock
// guards it.
#pragma once

#include "core/lib/assert.h"
#include "core/lib/types.h"

namespace tine {

template <typename Tag = void>
struct ListLink {
  ListLink* prev = nullptr;  // nullptr while not on a list
  ListLink* next = nullptr;

  bool linked() const { return next != nullptr; }
};

template <typename T, typename Tag = void>
class List {
  using Link = ListLink<Tag>;

 public:
  constexpr List() = default;
  List(const List&) = delete;
  List& operator=(const List&) = delete;

  bool empty() const { return head_.next == nullptr || head_.next == &head_; }

  T* front() const { return empty() ? nullptr : elem(head_.next); }
  T* back() const { return empty() ? nullptr : elem(head_.prev); }

  // Contract: e is not on any list of this Tag.
  void push_front(T* e) { insert_after(sentinel(), e); }
  void push_back(T* e) { insert_after(sentinel()->prev, e); }
  // Contract: pos is on this list, e on none.
  void insert_after(T* pos, T* e) { insert_after(static_cast<Link*>(pos), e); }

  // Contract: e is on this list.
  void remove(T* e) {
    Link* l = link(e);
    KASSERT(l->linked());
    l->prev->next = l->next;
    l->next->prev = l->prev;
    l->prev = l->next = nullptr;
  }

  T* pop_front() {
    T* e = front();
    if (e) remove(e);
    return e;
  }
  T* pop_back() {
    T* e = back();
    if (e) remove(e);
    return e;
  }

  // Forgets every element without touching it: for an owner re-initialising
  // after the elements' memory has gone away. The elements' links go stale.
  void reset() { head_.prev = head_.next = nullptr; }

  // O(n); for checks and tests.
  size_t count() const {
    size_t n = 0;
    for (const Link* l = head_.next; l && l != &head_; l = l->next) ++n;
    return n;
  }

  // Iteration; the element under the iterator must not be removed.
  class Iterator {
   public:
    explicit Iterator(Link* l) : l_(l) {}
    T* operator*() const { return elem(l_); }
    Iterator& operator++() {
      l_ = l_->next;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return l_ != o.l_; }

   private:
    Link* l_;
  };
  Iterator begin() { return Iterator(sentinel()->next); }
  Iterator end() { return Iterator(&head_); }

 private:
  static Link* link(T* e) { return static_cast<Link*>(e); }
  static T* elem(Link* l) { return static_cast<T*>(l); }

  Link* sentinel() {
    if (!head_.next) head_.prev = head_.next = &head_;
    return &head_;
  }

  void insert_after(Link* pos, T* e) {
    Link* l = link(e);
    KASSERT(!l->linked());
    l->prev = pos;
    l->next = pos->next;
    pos->next->prev = l;
    pos->next = l;
  }

  Link head_;
};

}  // namespace tine
