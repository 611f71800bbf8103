/** What the customer receives when an order was paid or declined. */

export interface OrderEvent {
  orderId: string;
  status: 'paid' | 'declined';
  total: number;
  customer: { id: string; email?: string };
}

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

export function formatNotification(event: OrderEvent): EmailMessage {
  // Bug: orders placed without an e-mail address have no `customer.email`; this throws a TypeError.
  const to = event.customer.email!.trim().toLowerCase(); // @bug:missing-email
  const amount = event.total.toFixed(2);
  if (event.status === 'paid') {
    return { to, subject: `Order ${event.orderId} confirmed`, text: `We received your payment of €${amount}. Your order ships soon.` };
  }
  return { to, subject: `Order ${event.orderId}: payment declined`, text: `Your payment of €${amount} was declined. Please try another card.` };
}
