package permits

import "smspark/payment"

// Payment results kept in Payment.LastResult (package payment's).
const (
	ResultPending = payment.ResultPending
	ResultFailed  = payment.ResultFailed
	ResultPaid    = payment.ResultPaid
	ResultFree    = payment.ResultFree
)

// MethodFree is the payment method of a purchase that cost nothing.
const MethodFree = payment.MethodFree

// Payment is a permit's current payment attempt.
type Payment = payment.Payment

// PaymentRequest is what a payment is started for.
type PaymentRequest = payment.Request

// Payments starts online payments (the payment provider, adapted).
type Payments = payment.Provider

// paymentState is where p stands for its payment.
func (p Permit) paymentState() payment.State {
	switch p.Status {
	case StatusAwaitingPayment:
		return payment.Awaiting
	case StatusCancelled:
		return payment.Cancelled
	}
	return payment.Settled
}
