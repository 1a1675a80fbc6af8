package sessions

import (
	"context"
	"errors"
	"fmt"
	"slices"
)

// Errors of account changes, for callers to branch on.
var (
	ErrAccountNotFound = errors.New("account not found")
	ErrNumberTaken     = errors.New("number already belongs to an account")
	ErrTooManyNumbers  = errors.New("too many numbers for the package")
	ErrNoNumbers       = errors.New("an account keeps at least one number")
	ErrBadPackage      = errors.New("package must be premium or pro")
	ErrBadNumber       = errors.New("not a Belgian mobile number")
	ErrNumberNotInAcct = errors.New("number is not in the account")
)

// accountAlphabet has no look-alikes.
const accountAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// ParsePackage returns the account package named s (premium or pro).
// Returns ErrBadPackage otherwise.
func ParsePackage(s string) (Package, error) {
	switch Package(s) {
	case Premium, Pro:
		return Package(s), nil
	}
	return "", fmt.Errorf("%w: %q", ErrBadPackage, s)
}

// Account returns a copy of the account. Returns ErrAccountNotFound.
func (e *Engine) Account(id string) (Account, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, ok := e.accounts[id]
	if !ok {
		return Account{}, fmt.Errorf("%w: %s", ErrAccountNotFound, id)
	}
	return cloneAccount(*a), nil
}

func cloneAccount(a Account) Account {
	a.Numbers = slices.Clone(a.Numbers)
	return a
}

// CreateAccount opens a Premium or Pro account for the numbers. Returns
// ErrBadPackage, ErrBadNumber, ErrNumberTaken, ErrNoNumbers or
// ErrTooManyNumbers (all wrapped), or an ErrStore failure.
func (e *Engine) CreateAccount(ctx context.Context, pkg Package, numbers []string) (Account, error) {
	if _, err := ParsePackage(string(pkg)); err != nil {
		return Account{}, err
	}
	id, err := randomString(e.opts.Random, accountAlphabet, 8)
	if err != nil {
		return Account{}, err
	}
	return e.changeAccount(ctx, func() (Account, error) {
		a := Account{ID: "A" + id, Package: pkg, Created: e.opts.Clock.Now()}
		for _, raw := range numbers {
			if err := e.addNumber(&a, raw); err != nil {
				return Account{}, err
			}
		}
		return a, nil
	})
}

// AddNumber adds a number to an account. Returns ErrAccountNotFound,
// ErrBadNumber, ErrNumberTaken or ErrTooManyNumbers (wrapped).
func (e *Engine) AddNumber(ctx context.Context, id, number string) (Account, error) {
	return e.changeAccount(ctx, func() (Account, error) {
		a, err := e.accountCopy(id)
		if err != nil {
			return Account{}, err
		}
		return a, e.addNumber(&a, number)
	})
}

// RemoveNumber removes a number from an account; the number becomes Easy.
// Returns ErrAccountNotFound, ErrNumberNotInAcct or ErrNoNumbers (wrapped).
func (e *Engine) RemoveNumber(ctx context.Context, id, number string) (Account, error) {
	return e.changeAccount(ctx, func() (Account, error) {
		a, err := e.accountCopy(id)
		if err != nil {
			return Account{}, err
		}
		n, err := e.opts.Numbers.Normalize(number)
		if err != nil {
			return Account{}, fmt.Errorf("%w: %w", ErrBadNumber, err)
		}
		i := slices.Index(a.Numbers, n)
		if i < 0 {
			return Account{}, fmt.Errorf("%w: %s", ErrNumberNotInAcct, maskNumber(n))
		}
		if len(a.Numbers) == 1 {
			return Account{}, ErrNoNumbers
		}
		a.Numbers = slices.Delete(a.Numbers, i, i+1)
		return a, nil
	})
}

// SetPackage changes an account's package. A downgrade that would leave
// too many numbers is refused with ErrTooManyNumbers; also returns
// ErrAccountNotFound and ErrBadPackage (wrapped).
func (e *Engine) SetPackage(ctx context.Context, id string, pkg Package) (Account, error) {
	if _, err := ParsePackage(string(pkg)); err != nil {
		return Account{}, err
	}
	return e.changeAccount(ctx, func() (Account, error) {
		a, err := e.accountCopy(id)
		if err != nil {
			return Account{}, err
		}
		if len(a.Numbers) > pkg.MaxNumbers() {
			return Account{}, fmt.Errorf("%w: %s allows %d, the account has %d",
				ErrTooManyNumbers, pkg, pkg.MaxNumbers(), len(a.Numbers))
		}
		a.Package = pkg
		return a, nil
	})
}

func (e *Engine) accountCopy(id string) (Account, error) {
	a, ok := e.accounts[id]
	if !ok {
		return Account{}, fmt.Errorf("%w: %s", ErrAccountNotFound, id)
	}
	return cloneAccount(*a), nil
}

func (e *Engine) addNumber(a *Account, raw string) error {
	n, err := e.opts.Numbers.Normalize(raw)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadNumber, err)
	}
	if other, ok := e.numberOf[n]; ok || slices.Contains(a.Numbers, n) {
		if other == a.ID || slices.Contains(a.Numbers, n) {
			return fmt.Errorf("%w: %s is already in this account", ErrNumberTaken, maskNumber(n))
		}
		return fmt.Errorf("%w: %s", ErrNumberTaken, maskNumber(n))
	}
	if len(a.Numbers)+1 > a.Package.MaxNumbers() {
		return fmt.Errorf("%w: %s allows %d", ErrTooManyNumbers, a.Package, a.Package.MaxNumbers())
	}
	a.Numbers = append(a.Numbers, n)
	return nil
}

// changeAccount computes an account change under the lock, applies it to
// memory and waits until it is durable.
func (e *Engine) changeAccount(ctx context.Context, f func() (Account, error)) (Account, error) {
	var a Account
	err := e.transact(ctx, newTxn(e.opts.Clock.Now()), func(t *txn) error {
		var err error
		if a, err = f(); err != nil {
			return err
		}
		if len(a.Numbers) == 0 {
			return ErrNoNumbers
		}
		if old, ok := e.accounts[a.ID]; ok {
			for _, n := range old.Numbers {
				delete(e.numberOf, n)
			}
		}
		stored := cloneAccount(a)
		e.accounts[a.ID] = &stored
		for _, n := range a.Numbers {
			e.numberOf[n] = a.ID
		}
		t.change.Accounts = append(t.change.Accounts, cloneAccount(a))
		return nil
	})
	if err != nil {
		return Account{}, err
	}
	return a, nil
}

// MaskNumber hides all but the last three digits of a phone number, for
// logs and error texts.
func MaskNumber(n string) string { return maskNumber(n) }

func maskNumber(n string) string {
	if len(n) <= 3 {
		return "***"
	}
	return "***" + n[len(n)-3:]
}
