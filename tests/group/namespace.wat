;; --group-by namespace on names of the kinds group.c reads (see group.sh):
;; a rustc legacy-mangled _ZN name (its h<16 hex> hash dropped), demangled-style
;; C++ names (the last "::" outside template arguments), an Itanium-mangled
;; const method (_ZNK3foo3barEv, foo::bar() const: namespace foo, from the
;; demangler), and names with no namespace (a plain C name, no name at all).
(module
  (import "env" "fork" (func $fork (result i32)))
  (memory 1)
  (func $_ZN4core3fmt5write17h0123456789abcdefE (result i32) (call $fork))
  (func $_ZN4core3fmt9Formatter3pad17hfedcba9876543210E (nop))
  (func $std::vector<a::b>::push_back (result i32) (call $_ZN4core3fmt5write17h0123456789abcdefE))
  (func $a::b::f (nop))
  (func $a::b::g (nop))
  (func $_ZNK3foo3barEv (nop))
  (func $plain_c (nop))
  (func (nop))
)
