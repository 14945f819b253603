//! What the outbox holds for delivery, and the send limits that keep invitations and signups
//! from being used to pump messages.

mod common;

use common::*;
use netid_core::flows::invitations::{self, InviteOptions, InviteeInput};
use netid_core::model::Channel;
use netid_core::Code;

fn phones(
    w: &mut World,
    admin: &netid_core::flows::Grant,
    account: &str,
    list: &[&str],
) -> netid_core::Result<Vec<invitations::InviteResult>> {
    let pid = admin.profile.id.clone();
    let account = account.to_string();
    let list: Vec<InviteeInput> =
        list.iter().map(|p| InviteeInput { phone: Some(p.to_string()), ..Default::default() }).collect();
    w.run(|env| {
        Box::pin(async move { invitations::invite(env, &pid, &account, list, InviteOptions::default(), LINK).await })
    })
}

#[test]
fn a_message_is_stored_ready_to_send_html_for_email_short_text_for_sms() {
    let mut w = World::new();
    let admin = w.person("boss@example.com");
    let acc = create(&mut w, &admin, Some("Acme pay.example.com"));
    invite(&mut w, &admin, &acc.id, &["ann@example.com"], InviteOptions::default());
    let mail = w.store.outbox_to("ann@example.com")[0].clone();
    assert_eq!(mail.channel, Channel::Email);
    assert_eq!(mail.account_id.as_deref(), Some(acc.id.as_str()));
    let link = mail.link.clone().unwrap_or_default();
    assert!(mail.html.contains(&format!("<a href=\"{link}\"")), "{}", mail.html);
    assert!(mail.body.contains(&link) && !mail.body.contains("pay.example.com"));

    phones(&mut w, &admin, &acc.id, &["+48512345678"]).unwrap();
    let sms = w.store.outbox_to("+48512345678")[0].clone();
    assert_eq!(sms.channel, Channel::Sms);
    assert!(sms.html.is_empty());
    assert!(sms.body.starts_with("netid") && !sms.body.contains("Acme"), "{}", sms.body);
    assert!(netid_core::mail::sms_segments(&sms.body).1 <= 2);
}

#[test]
fn an_account_cannot_pump_sms_past_its_daily_limit_and_nothing_of_a_refused_batch_lands() {
    let mut w = World::new();
    w.config.send_daily_per_account_sms = 3;
    let admin = w.person("pump@example.com");
    let acc = create(&mut w, &admin, Some("Pump"));
    let r = phones(&mut w, &admin, &acc.id, &["+48512345601", "+48512345602", "+48512345603"]).unwrap();
    assert!(r.iter().all(|x| x.status == "sent"));
    let before = w.store.data().invitations.len();
    let refused = phones(&mut w, &admin, &acc.id, &["+48512345604", "+48512345605"]);
    assert_eq!(code_of(refused), Code::SendLimitReached);
    assert_eq!(w.store.data().invitations.len(), before, "no invitation without its message");
    assert!(w.store.outbox_to("+48512345604").is_empty());
    // Email has its own budget; the next day the SMS budget is back.
    assert_eq!(invite(&mut w, &admin, &acc.id, &["mail@example.com"], InviteOptions::default())[0].status, "sent");
    w.advance(DAY);
    assert_eq!(phones(&mut w, &admin, &acc.id, &["+48512345604"]).unwrap()[0].status, "sent");
}

#[test]
fn an_address_receives_a_bounded_number_of_requested_messages_a_day_but_every_notice() {
    let mut w = World::new();
    w.config.send_daily_per_address = 2;
    let admin = w.person("resender@example.com");
    let acc = create(&mut w, &admin, Some("Resend"));
    let r = invite(&mut w, &admin, &acc.id, &["target@example.com"], InviteOptions::default());
    let iid = r[0].invitation_id.clone().unwrap_or_default();
    let resend = |w: &mut World| {
        let (pid, id, i) = (admin.profile.id.clone(), acc.id.clone(), iid.clone());
        w.run(|env| Box::pin(async move { invitations::resend_invitation(env, &pid, &id, &i, LINK).await }))
    };
    assert!(resend(&mut w).is_ok());
    assert_eq!(code_of(resend(&mut w)), Code::SendLimitReached);
    assert_eq!(w.store.outbox_to("target@example.com").len(), 2);
    // A limit on one address is not a limit on another.
    assert_eq!(invite(&mut w, &admin, &acc.id, &["other@example.com"], InviteOptions::default())[0].status, "sent");
}
